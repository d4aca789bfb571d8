"""What the proof suites' tasks use of the emulator's world (emulator/ksyun_emulator/world.py), and a node_para."""
# pylint: disable=unused-import
from ksyun_emulator.world import (  # noqa: F401 - the names the suites import from here
    CLUSTER_EPC as EPC_CLUSTER,
    EPC_FREE,
    IMAGE_CENTOS as IMAGE,
    KEC_AVAILABLE,
    REGION,
    RESERVE_SUBNET as RESERVE,
    SG,
    SUBNET,
    VPC,
)

NGINX = "hub.kce.ksyun.com/ksyun/nginx:latest"
NODE = {"ImageId": IMAGE, "SubnetId": SUBNET, "SecurityGroupId": SG, "InstanceType": "N3.2B", "ChargeType": "Daily"}
