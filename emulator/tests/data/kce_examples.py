"""The KCE (2019-08-06) request examples printed in 000_1e17e97fad289c1f.txt, for the replay test.

`PRINTED` holds each printed request exactly as printed (only the trailing spaces of the printed
lines — markdown line breaks — are dropped).  `parse()` turns one into `(action, version, params)`:
the part after `?` and every following line starting with `&` is a `Name=Value` pair split at the
first `=`; a line that does not start with `&` continues the previous value (AddClusterInstances
prints its NodePara JSON over several lines; the line breaks are kept in the value, as printed).
Values are not URL-decoded: they are printed decoded (`openapi 开机集群` has a real space).  Printed
lines longer than the line-length limit are split here with a backslash-newline inside the string
literal, which Python removes: the strings are the printed lines.

The one printing fix applied (`ERRATA`): `Action= DescribeExistedInstances` is printed with a space
after `=`; the action is sent without it.

Every printed id is a literal id that the default world (ksyun_emulator/world.py) holds, including
the clusters that the examples assume exist — so each request succeeds unchanged against a fresh
emulator.

`RESPONSES` gives, per action, the documented response fields (tables, plus the extra names the
printed answers show, e.g. `EnableKMSE`) with their types: a dict is an object whose keys must be
exactly these (keys in `OPTIONAL` may be missing), `[x]` a list of x, a tuple of types = any of them.
"""

ERRATA = {"Action": lambda value: value.strip()}

OPT_STR = (str, type(None))
OPT_DICT = (dict, type(None))

OPTIONAL = {"KecInstancePara", "EpcInstancePara", "DedicatedName", "DedicatedId"}

PAGED = {"RequestId": str, "MaxResults": int, "Marker": int, "TotalCount": int}

SECURITY_GROUP = {"SecurityGroupId": str}
NIC = {"NetworkInterfaceId": str, "NetworkInterfaceType": str, "SubnetId": str, "PrivateIpAddress": str,
       "MacAddress": str, "SecurityGroupSet": [SECURITY_GROUP]}
KEC_PARA = {
    "DedicatedName": str, "DedicatedId": str, "ProjectId": str, "InstanceType": str,
    "InstanceConfigure": {"VCPU": int, "GPU": int, "MemoryGb": int, "DataDiskGb": int, "RootDiskGb": int,
                          "DataDiskType": str},
    "SystemDisk": {"DiskType": str, "DiskSize": int},
    "ImageId": str, "PrivateIpAddress": str, "ChargeType": str, "CreateTime": str, "AvailabilityZone": str,
    "NetworkInterfaceSet": [NIC], "SubnetId": str, "VpcId": str,
}
EPC_PARA = {
    "ProjectId": str, "InstanceType": str,
    "Cpu": {"Model": str, "Frequency": str, "Count": int, "CoreCount": int},
    "Memory": str, "Gpu": OPT_DICT,
    "DiskSet": [{"DiskType": str, "Raid": str, "Space": str}],
    "OsName": str, "ImageId": str, "CreateTime": str, "AvailabilityZone": str, "ChargeType": OPT_STR,
    "NetworkInterfaceSet": [NIC],
}
CLUSTER = {
    "ClusterId": str, "ClusterName": str, "ClusterType": str, "ClusterManageMode": str, "NetworkType": str,
    "K8sVersion": str, "MasterEtcdSeparate": bool, "ClusterDesc": str, "PodCidr": str, "ServiceCidr": str,
    "VpcId": str, "VpcCidr": str, "Status": str, "NodeNum": int, "NormalNodeNum": int, "CreateTime": str,
    "UpdateTime": str, "EnableKMSE": bool,
}
NODE = {"InstanceId": str, "InstanceName": str, "InstanceRole": str, "InstanceStatus": str,
        "KecInstancePara": KEC_PARA, "EpcInstancePara": EPC_PARA}

RESPONSES = {
    "CreateCluster": {"RequestId": str, "ClusterId": str},
    "DescribeCluster": dict(PAGED, ClusterSet=[CLUSTER]),
    "DescribeClusterInstance": dict(PAGED, InstanceSet=[NODE]),
    "AddClusterInstances": {"RequestId": str, "InstanceSet": [{"InstanceId": str, "InstanceName": str}]},
    "DeleteClusterInstances": {"RequestId": str,
                               "InstanceSet": [{"InstanceId": str, "Return": bool, "Message": OPT_STR}]},
    "ModifyClusterInfo": {"RequestId": str},
    "DownloadClusterConfig": {"RequestId": str, "Expose": bool, "ClusterConfig": str},
    "DeleteCluster": {"RequestId": str},
    "DescribeInstanceImage": {"RequestId": str, "TotalCount": int,
                              "ImageSet": [{"ImageId": str, "ImageName": str, "ImageType": str}]},
    "DescribeEpcForCluster": dict(PAGED, InstanceSet=[{"InstanceId": str, "InstanceName": str,
                                                       "EpcInstancePara": EPC_PARA}]),
    "AddClusterEpcInstances": {"RequestId": str, "InstanceSet": [{"InstanceId": str, "Return": bool}]},
    "DescribeExistedInstances": dict(PAGED, ExistedInstanceSet=[{
        "InstanceId": str, "InstanceName": str, "PrivateIpAddress": str, "InstanceType": str,
        "Available": bool, "UnavailableReason": OPT_STR, "ClusterId": OPT_STR}]),
    "AddExistedInstances": {"RequestId": str,
                            "InstanceSet": [{"InstanceId": str, "Return": bool, "Reason": OPT_STR}]},
}

#: The printed requests, in the order of the document.
PRINTED = [
    # line 748 of 000_1e17e97fad289c1f.txt
    """\
http://kce.api.ksyun.com/?Action=CreateCluster&Version=2019-08-06
&ClusterName=openapi 开机集群
&ClusterDesc=This is a test cluster
&ClusterManageMode=DedicatedCluster
&VpcId=31e21dca-c92e-4b06-a8ce-xxxxx
&PodCidr=10.66.0.0/16
&ServiceCidr=10.254.0.0/16
&NetworkType=Flannel
&K8sVersion=v1.12.3
&ReserveSubnetId=372bdbac-ea1d-4f99-9c30-xxxxxxx
&PublicApiServer={"LineId":"xxxxxxx","BandWidth":5,"ChargeType":"PostPaidByDay"}
&InstanceSet.0.NodeRole=Master_Etc
&InstanceSet.0.NodePara.0={"MaxCount":3,"MinCount":3,"ImageId":"5bbc21d6-c48c-4c8a-b057-fcbb164bcbf7",\
"SubnetId":"7e23b980-11c2-4bb0-9388-xxxxxxx","InstancePassword":"Root23123","SecurityGroupId":"d46c7672-7ca9-4f51-bbd9-xxxxxxx",\
"DataDiskGb":50,"ChargeType":"Daily","InstanceType":"I3.4B","PurchaseTime":0,"InstanceName":"openapi-master","InstanceNameSuffix":1}
&InstanceSet.1.NodeRole=Worker
&InstanceSet.1.NodePara.0={"MaxCount":3,"MinCount":3,"ImageId":"5bbc21d6-c48c-4c8a-b057-fcbb164bcbf7",\
"SubnetId":"7e23b980-11c2-4bb0-9388-xxxxxxx","InstancePassword":"Root23123","SecurityGroupId":"d46c7672-7ca9-4f51-bbd9-xxxxxxx",\
"DataDiskGb":50,"ChargeType":"Daily","InstanceType":"I3.4B","PurchaseTime":0,"InstanceName":"openapi-worker","InstanceNameSuffix":1}
""",
    # line 781 of 000_1e17e97fad289c1f.txt
    """\
http://kce.api.ksyun.com/?Action=CreateCluster&Version=2019-08-06
&ClusterManageMode=DedicatedCluster
&VpcId=31e21dca-c92e-4b06-a8ce-xxxxxx
&PodCidr=10.67.0.0/16
&ServiceCidr=10.254.0.0/16
&NetworkType=Flannel
&K8sVersion=v1.12.3
&ReserveSubnetId=372bdbac-ea1d-4f99-9c30-xxxxxx
&InstanceSet.0.NodeRole=Master_Etcd
&InstanceSet.0.NodePara.0={"DedicatedHostId":"33b44f3e-a037-423e-a850-xxxxxx", "InstanceConfigure.VCPU":4, "InstanceConfigure.MemoryGb":8,\
 "MaxCount":3, "MinCount":3, "ImageId":"5bbc21d6-c48c-4c8a-b057-fcbb164bcbf7", "SubnetId":"f2ac1919-0e34-4812-8290-xxxxxx",\
 "InstancePassword":"Root23123", "SecurityGroupId":"d46c7672-7ca9-4f51-bbd9-xxxxxx", "DataDiskGb":50, "ChargeType":"Daily",\
 "PurchaseTime":0, "InstanceName":"k8s-kdc-master", "InstanceNameSuffix":1, "InstanceType":"DVM1.NONE"}
&InstanceSet.1.NodeRole=Worker
&InstanceSet.1.NodePara.0={"DedicatedHostId":"33b44f3e-a037-423e-a850-xxxxxx", "InstanceConfigure.VCPU":4, "InstanceConfigure.MemoryGb":8,\
 "MaxCount":3, "MinCount":3, "ImageId":"5bbc21d6-c48c-4c8a-b057-fcbb164bcbf7", "SubnetId":"f2ac1919-0e34-4812-8290-xxxxxx",\
 "InstancePassword":"Root23123", "SecurityGroupId":"d46c7672-7ca9-4f51-bbd9-xxxxxx", "DataDiskGb":50, "ChargeType":"Daily",\
 "PurchaseTime":0, "InstanceName":"k8s-kdc-worker", "InstanceNameSuffix":1, "InstanceType":"DVM1.NONE"}
&ClusterName=专属云服务器集群
&ClusterDesc=This is a kdc cluster
""",
    # line 813 of 000_1e17e97fad289c1f.txt
    """\
http://kce.api.ksyun.com/?Action=CreateCluster&Version=2019-08-06
&MaxPodPerNode=256
&ClusterManageMode=DedicatedCluster
&VpcId=31e21dca-c92e-4b06-a8ce-xxxxxx
&PodCidr=10.78.0.0/16
&ServiceCidr=10.254.0.0/16
&NetworkType=Flannel
&K8sVersion=v1.15.5
&ReserveSubnetId=372bdbac-ea1d-4f99-9c30-xxxxxx
&ClusterName=test-cluster
&ClusterDesc=测试
&MasterEtcdSeparate=True
&ExistedInstanceEpcSet.1.NodeRole=Master
&ExistedInstanceEpcSet.1.EpcPara.1={"InstanceId":"70e4807b-3ed0-4bd5-a06f-xxxxxx"}
&ExistedInstanceEpcSet.1.EpcPara.2={"InstanceId":"f3a751bb-4663-4f4f-af01-xxxxxx"}
&ExistedInstanceEpcSet.1.EpcPara.3={"InstanceId":"aadf2c78-bc56-40e3-93db-xxxxxx"}
&ExistedInstanceEpcSet.2.NodeRole=Etcd
&ExistedInstanceEpcSet.2.EpcPara.1={"InstanceId":"4c20cc6c-01e6-4215-99c5-xxxxxx"}
&ExistedInstanceEpcSet.2.EpcPara.2={"InstanceId":"39275b85-fea4-4516-b399-xxxxxx"}
&ExistedInstanceEpcSet.2.EpcPara.3={"InstanceId":"13f363f3-b108-4e60-b15c-xxxxxx"}
&ExistedInstanceEpcSet.3.NodeRole=Worker
&ExistedInstanceEpcSet.3.EpcPara.1={"InstanceId":"cd434dad-77e7-4734-b8a7-xxxxxx"}
""",
    # line 881 of 000_1e17e97fad289c1f.txt
    """\
http://kce.api.ksyun.com/?Action=DescribeCluster&Version=2019-08-06
""",
    # line 978 of 000_1e17e97fad289c1f.txt
    """\
http://kce.api.ksyun.com/?Action=DescribeClusterInstance&Version=2019-08-06
&ClusterId=79dac1a8-3387-4769-82a5-xxxxxx
""",
    # line 1309 of 000_1e17e97fad289c1f.txt
    """\
http://kce.api.ksyun.com/?Action=AddClusterInstances&Version=2019-08-06
&ClusterId=b12d7079-1e59-4626-90eb-xxxxxx
&InstanceSet.0.NodeRole=Worker
&InstanceSet.0.NodePara.0={
  "MaxCount":2,
  "MinCount":2,
  "ImageId":"5bbc21d6-c48c-4c8a-b057-fcbb164bcbf7",
  "SubnetId":"7e23b980-11c2-4bb0-9388-xxxxxx",
  "InstancePassword":"Root23123",
  "SecurityGroupId":"d46c7672-7ca9-4f51-bbd9-xxxxxx",
  "DataDiskGb":50,
  "ChargeType":"Daily",
  "InstanceType":"I3.4B",
  "PurchaseTime":0,
  "InstanceName":"openapi-work",
  "InstanceNameSuffix":1}
""",
    # line 1384 of 000_1e17e97fad289c1f.txt
    """\
http://kce.api.ksyun.com/?Action=DeleteClusterInstances&Version=2019-08-06
&ClusterId=b12d7079-1e59-4626-90eb-f23348232c77
&InstanceId.1=7f587306-9aef-4cb9-b0fe-xxxxxx
""",
    # line 1441 of 000_1e17e97fad289c1f.txt
    """\
http://kce.api.ksyun.com/?Action=ModifyClusterInfo&Version=2019-08-06
&ClusterId=b12d7079-1e59-4626-90eb-xxxxxx
&ClusterName=k8s-test-cluster
""",
    # line 1488 of 000_1e17e97fad289c1f.txt
    """\
http://kce.api.ksyun.com/?Action=DownloadClusterConfig&Version=2019-08-06
&ClusterId=b12d7079-1e59-4626-90eb-xxxxxx&IsPublic=false
""",
    # line 1532 of 000_1e17e97fad289c1f.txt
    """\
http://kce.api.ksyun.com/?Action=DeleteCluster&Version=2019-08-06
&ClusterId=b12d7079-1e59-4626-90eb-xxxxxx
""",
    # line 1575 of 000_1e17e97fad289c1f.txt
    """\
http://kce.api.ksyun.com/?Action=DescribeInstanceImage&Version=2019-08-06
""",
    # line 1638 of 000_1e17e97fad289c1f.txt
    """\
http://kce.api.ksyun.com/?Action=DescribeEpcForCluster&Version=2019-08-06
&ClusterId=12d776f8-bb96-4556-9be6-fd67bf0591c1
""",
    # line 1747 of 000_1e17e97fad289c1f.txt
    """\
http://kce.api.ksyun.com/?Action=AddClusterEpcInstances&Version=2019-08-06
&ClusterId=12d776f8-bb96-4556-9be6-xxxxxxx
&InstanceId.1=9c362d96-ad25-491d-8f7d-xxxxxxx
""",
    # line 1814 of 000_1e17e97fad289c1f.txt
    """\
http://kce.api.ksyun.com/?Action= DescribeExistedInstances&Version=2019-08-06
&ClusterId=0ffb863-9bdc-4558-a947-xxxxxx
&InstanceId.1=ee355b5d-79e4-4505-b0a5-xxxxxx
""",
    # line 1885 of 000_1e17e97fad289c1f.txt
    """\
http://kce.api.ksyun.com/?Action=AddExistedInstances&Version=2019-08-06
&ClusterId=0ffb863-9bdc-4558-a947-xxxxxx
&ExistedInstanceKecSet.1.NodeRole=Worker
&ExistedInstanceKecSet.1.KecPara.1={"InstanceId":"ee355b5d-79e4-4505-b0a5-xxxxxx","ImageId":"4b293997-9940-42bd-a5f0-xxxxxx",\
"InstancePassword":"xxxxxxx"}
""",

]


def parse(printed):
    """(action, version, params) of one printed request; values kept as printed (see ERRATA)."""
    lines = printed.rstrip("\n").split("\n")
    first = lines[0].split("?", 1)[1]
    pairs = []
    for part in first.split("&"):
        pairs.append(part.split("=", 1))
    for line in lines[1:]:
        if line.startswith("&"):
            for part in line[1:].split("&"):
                pairs.append(part.split("=", 1))
        else:
            pairs[-1][1] += "\n" + line
    params = {}
    for name, value in pairs:
        assert name not in params, name
        params[name] = ERRATA[name](value) if name in ERRATA else value
    return params.pop("Action"), params.pop("Version"), params


#: What each replayed example must answer beyond the shape (printed outcomes).
EXPECT = {
    "AddClusterInstances": {"count": 2, "names": ["openapi-work-1", "openapi-work-2"]},
    "DeleteClusterInstances": {"returns": [True]},
    "AddClusterEpcInstances": {"returns": [True]},
    "AddExistedInstances": {"returns": [True]},
    "DescribeExistedInstances": {"available": [True]},
    "DescribeClusterInstance": {"ids": ["6f2faec7-057f-455f-a45c-xxxxxx", "7c7c7003-1004-4b1b-a1c5-xxxxxx",
                                        "7dac9e5d-1325-4b66-83c0-xxxxxx", "a33e44b5-471a-4edf-82e2-xxxxxx",
                                        "f399f0d1-8388-427f-b2d7-xxxxxx", "feec18d8-9562-446d-9894-xxxxxx"]},
    "DownloadClusterConfig": {"expose": True},
    "DescribeEpcForCluster": {"ids_include": ["9c362d96-ad25-491d-8f7d-xxxxxxx"]},
}


# ------------------------------------------------------------------ builders for the KCE unit tests

VPC = "31e21dca-c92e-4b06-a8ce-xxxxxx"
SUBNET = "7e23b980-11c2-4bb0-9388-xxxxxx"
RESERVE = "372bdbac-ea1d-4f99-9c30-xxxxxx"
SG = "d46c7672-7ca9-4f51-bbd9-xxxxxx"
IMAGE = "5bbc21d6-c48c-4c8a-b057-fcbb164bcbf7"
PASSWORD = "Kce-Test-2019"


def node_para(count=1, **overrides):
    """A valid NodePara JSON string (json.dumps of a dict; None values drop the key)."""
    import json
    para = {"MaxCount": count, "MinCount": count, "ImageId": IMAGE, "SubnetId": SUBNET,
            "InstancePassword": PASSWORD, "SecurityGroupId": SG, "DataDiskGb": 50, "ChargeType": "Daily",
            "InstanceType": "I3.4B", "PurchaseTime": 0}
    para.update(overrides)
    return json.dumps({k: v for k, v in para.items() if v is not None})


def create_params(masters=3, workers=2, name="unit-cluster", **overrides):
    """CreateCluster parameters for a small valid VM cluster (None values drop a parameter)."""
    params = {"ClusterName": name, "VpcId": VPC, "PodCidr": "10.80.0.0/16", "ServiceCidr": "10.254.0.0/16",
              "NetworkType": "Flannel", "K8sVersion": "v1.15.5", "ReserveSubnetId": RESERVE,
              "InstanceSet.1.NodeRole": "Master_Etcd", "InstanceSet.1.NodePara.1": node_para(masters),
              "InstanceSet.2.NodeRole": "Worker", "InstanceSet.2.NodePara.1": node_para(workers)}
    params.update(overrides)
    return {k: v for k, v in params.items() if v is not None}
