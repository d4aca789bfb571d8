"""KCI container groups: CreateContainerGroup (every documented parameter and rule),
DescribeContainerGroup (ids, filters, search, projects, paging), DescribeContainerLog,
DeleteContainerGroup, lifecycles on the admin clock, failures, DryRun, isolation."""
import json

import pytest

from ksyun_emulator import world


def base(**extra):
    p = {"ContainerGroupName": "web", "SubnetId": world.KDC_SUBNET, "SecurityGroupId.1": world.SG,
         "KciType": "RBKCI", "ChargeType": "HourlyInstantSettlement",
         "Container.1.Name": "nginx", "Container.1.Image": "hub.kce.ksyun.com/ksyun/nginx:latest"}
    p.update(extra)
    return {k: v for k, v in p.items() if v is not None}


@pytest.fixture
def slow(slow_emulator, api_on):
    return api_on(slow_emulator, "kci")


def group(api, ident):
    return api.first("DescribeContainerGroup", {"ContainerGroupId.1": ident}, "ContainerGroups")


FULL = base(**{
    "ContainerGroupName": "full.group-1", "SecurityGroupId.2": "d46c7672-7ca9-4f51-bbd9-xxxxxxx",
    "ChargeType": "Spot", "SpotStrategy": "SpotAsPriceGo", "ProjectId": "42", "InstanceType": "N3.4C",
    "AutoMatchImageCache": "false", "RestartPolicy": "OnFailure", "Cpu": "4", "Memory": "16",
    "ImageRegistryCredential.1.Server": "hub.kce.ksyun.com", "ImageRegistryCredential.1.Username": "robot",
    "ImageRegistryCredential.1.Password": "Very-Secret-Registry-Pw",
    "Volume.1.Type": "EmptyDirVolume", "Volume.1.Name": "scratch",
    "Volume.2.Type": "EBSVolume", "Volume.2.Name": "data", "Volume.2.EBSVolume.FsType": "xfs",
    "Volume.2.EBSVolume.Type": "SSD3.0", "Volume.2.EBSVolume.Size": "100",
    "Volume.2.EBSVolume.DeleteWithInstance": "true",
    "Volume.3.Type": "EBSVolume", "Volume.3.Name": "old-disk", "Volume.3.EBSVolume.FsType": "ext4",
    "Volume.3.EBSVolume.VolumeId": "3f1e2d3c-0000-4000-8000-000000000001",
    "Volume.4.Type": "NFSVolume", "Volume.4.Name": "shared", "Volume.4.NFSVolume.Server": "10.0.80.200",
    "Volume.4.NFSVolume.Path": "/exports/a", "Volume.4.NFSVolume.ReadOnly": "true",
    "Volume.4.NFSVolume.Options.1": "vers=3", "Volume.4.NFSVolume.Options.2": "nolock",
    "Container.1.Command.1": "nginx", "Container.1.Arg.1": "-g", "Container.1.Arg.2": "daemon off;",
    "Container.1.EnvironmentVar.1.Key": "MODE", "Container.1.EnvironmentVar.1.Value": "prod",
    "Container.1.EnvironmentVar.2.Key": "_x.y-z", "Container.1.EnvironmentVar.2.Value": "",
    "Container.1.Cpu": "1.5", "Container.1.Memory": "2.25", "Container.1.ImagePullPolicy": "Always",
    "Container.1.WorkingDir": "/srv", "Container.1.Port.1.Port": "80",
    "Container.1.Port.2.Port": "53", "Container.1.Port.2.Protocol": "UDP",
    "Container.1.VolumeMount.1.Name": "data", "Container.1.VolumeMount.1.MountPath": "/data",
    "Container.1.VolumeMount.2.Name": "shared", "Container.1.VolumeMount.2.MountPath": "/shared",
    "Container.1.VolumeMount.2.ReadOnly": "true",
    "Container.2.Name": "sidecar", "Container.2.Image": "busybox:1.36", "Container.2.ImagePullPolicy": "Never",
    "Container.2.Cpu": "0.5", "Container.2.Memory": "0.5",
    "HostAlias.1.Hostname.1": "db.local", "HostAlias.1.Hostname.2": "db", "HostAlias.1.Ip": "10.0.80.9",
    "DnsConfig.NameServer.1": "10.0.0.2", "DnsConfig.Search.1": "svc.local",
    "DnsConfig.Option.1.Name": "ndots", "DnsConfig.Option.1.Value": "2", "DnsConfig.Option.2.Name": "edns0",
    "MachineHostAlias.1.Hostname.1": "node.local", "MachineHostAlias.1.Ip": "10.0.80.10",
    "MachineDnsConfig.NameServer.1": "10.0.0.3",
    "RetainIp": "true", "RetainIpHours": "48", "EipAllocationId": "eip-0001",
    "AdvanceSettings.ImageId": "img-0001", "AdvanceSettings.SystemDisk.Type": "SSD3.0",
    "AdvanceSettings.SystemDisk.Size": "40",
})


def test_create_with_every_documented_parameter(kci_api):
    gid = kci_api.ok("CreateContainerGroup", FULL, method="POST")["ContainerGroupId"]
    g = group(kci_api, gid)
    assert g["ContainerGroupName"] == "full.group-1" and g["Status"] == "Running"
    assert (g["ChargeType"], g["ProjectId"], g["InstanceType"], g["RestartPolicy"]) == ("Spot", 42, "N3.4C", "OnFailure")
    assert (g["Cpu"], g["Memory"], g["KciType"], g["AvailabilityZone"]) == (4, 16, "RBKCI", "cn-beijing-6a")
    assert (g["RetainIp"], g["RetainIpHours"]) == (True, "48")
    nic = g["NetworkInterfaceAttributes"][0]
    assert nic["VpcId"] == world.VPC and nic["SubnetId"] == world.KDC_SUBNET
    assert [s["SecurityGroupId"] for s in nic["SecurityGroups"]] == [world.SG, "d46c7672-7ca9-4f51-bbd9-xxxxxxx"]
    assert nic["PublicIp"].startswith("120.92.") and nic["PrivateIpAddress"].startswith("10.0.8")
    assert nic["MacAddress"].startswith("fa:16:3e:")
    vols = {v["Name"]: v for v in g["Volumes"]}
    assert vols["scratch"] == {"Type": "EmptyDirVolume", "Name": "scratch", "EBSVolume": None, "NFSVolume": None}
    assert vols["data"]["EBSVolume"]["FsType"] == "xfs" and vols["data"]["EBSVolume"]["VolumeId"]
    assert vols["old-disk"]["EBSVolume"] == {"FsType": "ext4", "VolumeId": "3f1e2d3c-0000-4000-8000-000000000001"}
    assert vols["shared"]["NFSVolume"] == {"Server": "10.0.80.200", "Path": "/exports/a", "ReadOnly": True,
                                           "Options": ["vers=3", "nolock"]}
    assert g["HostAliases"] == [{"Hostnames": ["db.local", "db"], "Ip": "10.0.80.9"}]
    assert g["DnsConfig"] == {"NameServers": ["10.0.0.2"], "Searches": ["svc.local"],
                              "Options": [{"Name": "ndots", "Value": "2"}, {"Name": "edns0", "Value": None}]}
    c1, c2 = g["Containers"]
    assert (c1["Name"], c1["Commands"], c1["Args"], c1["WorkingDir"]) == ("nginx", ["nginx"], ["-g", "daemon off;"], "/srv")
    assert c1["EnvironmentVars"] == [{"Key": "MODE", "Value": "prod"}, {"Key": "_x.y-z", "Value": ""}]
    assert (c1["Cpu"], c1["Memory"], c1["ImagePullPolicy"]) == (1.5, 2.25, "Always")
    assert c1["Ports"] == [{"Protocol": "TCP", "Port": 80}, {"Protocol": "UDP", "Port": 53}]
    assert c1["VolumeMounts"] == [{"Name": "data", "MountPath": "/data", "ReadOnly": False},
                                  {"Name": "shared", "MountPath": "/shared", "ReadOnly": True}]
    assert (c2["Name"], c2["ImagePullPolicy"], c2["Ports"], c2["VolumeMounts"], c2["EnvironmentVars"]) == \
        ("sidecar", "Never", None, None, None)
    assert c1["CurrentState"]["State"] == "running" and c1["RestartCount"] == 0
    assert g["KciMode"] == "STANDALONE" and [l["Key"] for l in g["Labels"]] == \
        ["cluster-id", "namespace", "node-name", "pod-name"]
    # the registry password went nowhere
    for text in (json.dumps(g), json.dumps(kci_api.emu.requests),
                 json.dumps(kci_api.emu.region_store().list("container_group"))):
        assert "Very-Secret-Registry-Pw" not in text


def test_defaults(kci_api):
    gid = kci_api.ok("CreateContainerGroup", base())["ContainerGroupId"]
    g = group(kci_api, gid)
    assert (g["RestartPolicy"], g["ProjectId"], g["Cpu"], g["Memory"], g["InstanceType"]) == ("Always", 0, 1, 2, "N3.1B")
    assert g["Containers"][0]["ImagePullPolicy"] == "IfNotPresent"
    assert (g["Volumes"], g["DnsConfig"], g["HostAliases"], g["RetainIp"], g["Gpu"]) == (None, None, None, None, None)
    assert g["NetworkInterfaceAttributes"][0]["PublicIp"] == ""
    # group resources from the containers, or from the instance type
    gid = kci_api.ok("CreateContainerGroup", base(ContainerGroupName="sum", **{
        "Container.1.Cpu": "0.25", "Container.1.Memory": "0.5", "Container.2.Name": "b",
        "Container.2.Image": "busybox", "Container.2.Cpu": "0.75", "Container.2.Memory": "1.5"}))["ContainerGroupId"]
    g = group(kci_api, gid)
    assert (g["Cpu"], g["Memory"]) == (1, 2)
    gid = kci_api.ok("CreateContainerGroup", base(ContainerGroupName="typed", InstanceType="N3.8D"))["ContainerGroupId"]
    assert (group(kci_api, gid)["Cpu"], group(kci_api, gid)["Memory"]) == (8, 64)


def test_private_ips_are_unique_and_shared_with_kce_counter(kci_api):
    ips = set()
    for i in range(5):
        gid = kci_api.ok("CreateContainerGroup", base(ContainerGroupName="g%d" % i))["ContainerGroupId"]
        ips.add(group(kci_api, gid)["NetworkInterfaceAttributes"][0]["PrivateIpAddress"])
    assert len(ips) == 5


BAD = [
    ({"ContainerGroupName": None}, "MissingParameter", "ContainerGroupName"),
    ({"ContainerGroupName": "Web"}, "InvalidParameterValue", "ContainerGroupName"),
    ({"ContainerGroupName": "-web"}, "InvalidParameterValue", "ContainerGroupName"),
    ({"ContainerGroupName": "web."}, "InvalidParameterValue", "ContainerGroupName"),
    ({"ContainerGroupName": "w" * 129}, "InvalidParameterValue", "ContainerGroupName"),
    ({"SubnetId": None}, "MissingParameter", "SubnetId"),
    ({"SecurityGroupId.1": None}, "MissingParameter", "SecurityGroupId"),
    ({"SecurityGroupId.2": world.SG}, "InvalidParameterValue", "SecurityGroupId"),
    ({"SecurityGroupId.2": "a", "SecurityGroupId.3": "b", "SecurityGroupId.4": "c"}, "InvalidParameterValue",
     "SecurityGroupId"),
    ({"KciType": None}, "MissingParameter", "KciType"),
    ({"KciType": "KCI"}, "InvalidParameterValue", "KciType"),
    ({"ChargeType": None}, "MissingParameter", "ChargeType"),
    ({"ChargeType": "Monthly"}, "InvalidParameterValue", "ChargeType"),
    ({"ChargeType": "Spot"}, "MissingParameter", "SpotStrategy"),
    ({"ChargeType": "Spot", "SpotStrategy": "SpotWithPriceLimit"}, "InvalidParameterValue", "SpotStrategy"),
    ({"ProjectId": "-1"}, "InvalidParameterValue", "ProjectId"),
    ({"AutoMatchImageCache": "maybe"}, "InvalidParameterValue", "AutoMatchImageCache"),
    ({"RestartPolicy": "Sometimes"}, "InvalidParameterValue", "RestartPolicy"),
    ({"Cpu": "0"}, "InvalidParameterValue", "Cpu"),
    ({"Cpu": "two"}, "InvalidParameterValue", "Cpu"),
    ({"Memory": "1.0005"}, "InvalidParameterValue", "Memory"),
    ({"Cpu": "1", "Container.1.Cpu": "2"}, "InvalidParameterValue", "Container.N.Cpu"),
    ({"Memory": "1", "Container.1.Memory": "2"}, "InvalidParameterValue", "Container.N.Memory"),
    ({"Container.1.Name": None, "Container.1.Image": None}, "MissingParameter", "Container.N"),
    ({"Container.1.Name": None}, "MissingParameter", "Container.1.Name"),
    ({"Container.1.Name": "Nginx"}, "InvalidParameterValue", "Container.1.Name"),
    ({"Container.1.Name": "n" * 64}, "InvalidParameterValue", "Container.1.Name"),
    ({"Container.2.Name": "nginx", "Container.2.Image": "busybox"}, "InvalidParameterValue", "Container.2.Name"),
    ({"Container.1.Image": None}, "MissingParameter", "Container.1.Image"),
    ({"Container.1.Image": "bad image"}, "InvalidParameterValue", "Container.1.Image"),
    ({"Container.1.ImagePullPolicy": "Sometimes"}, "InvalidParameterValue", "Container.1.ImagePullPolicy"),
    ({"Container.1.Cpu": "0.0001"}, "InvalidParameterValue", "Container.1.Cpu"),
    ({"Container.1.EnvironmentVar.1.Key": "1ABC", "Container.1.EnvironmentVar.1.Value": "x"},
     "InvalidParameterValue", "Container.1.EnvironmentVar.1.Key"),
    ({"Container.1.EnvironmentVar.1.Key": "K" * 64, "Container.1.EnvironmentVar.1.Value": "x"},
     "InvalidParameterValue", "Container.1.EnvironmentVar.1.Key"),
    ({"Container.1.EnvironmentVar.1.Key": "A"}, "MissingParameter", "Container.1.EnvironmentVar.1.Value"),
    ({"Container.1.EnvironmentVar.1.Value": "x"}, "MissingParameter", "Container.1.EnvironmentVar.1.Key"),
    ({"Container.1.EnvironmentVar.1.Key": "A", "Container.1.EnvironmentVar.1.Value": "1",
      "Container.1.EnvironmentVar.2.Key": "A", "Container.1.EnvironmentVar.2.Value": "2"},
     "InvalidParameterValue", "Container.1.EnvironmentVar.2.Key"),
    ({"Container.1.Port.1.Port": "0"}, "InvalidParameterValue", "Container.1.Port.1.Port"),
    ({"Container.1.Port.1.Port": "65536"}, "InvalidParameterValue", "Container.1.Port.1.Port"),
    ({"Container.1.Port.1.Protocol": "TCP"}, "MissingParameter", "Container.1.Port.1.Port"),
    ({"Container.1.Port.1.Port": "80", "Container.1.Port.1.Protocol": "SCTP"}, "InvalidParameterValue",
     "Container.1.Port.1.Protocol"),
    ({"Container.1.VolumeMount.1.Name": "nope"}, "InvalidParameterValue", "Container.1.VolumeMount.1.Name"),
    ({"Volume.1.Type": "EmptyDirVolume", "Volume.1.Name": "v", "Container.1.VolumeMount.1.Name": "v",
      "Container.1.VolumeMount.1.MountPath": "rel"}, "InvalidParameterValue", "Container.1.VolumeMount.1.MountPath"),
    ({"Volume.1.Type": "HostPath", "Volume.1.Name": "v"}, "InvalidParameterValue", "Volume.1.Type"),
    ({"Volume.1.Type": "EmptyDirVolume"}, "MissingParameter", "Volume.1.Name"),
    ({"Volume.1.Type": "EmptyDirVolume", "Volume.1.Name": "V_1"}, "InvalidParameterValue", "Volume.1.Name"),
    ({"Volume.1.Type": "EmptyDirVolume", "Volume.1.Name": "v", "Volume.2.Type": "EmptyDirVolume",
      "Volume.2.Name": "v"}, "InvalidParameterValue", "Volume.2.Name"),
    ({"Volume.1.Type": "EBSVolume", "Volume.1.Name": "v", "Volume.1.EBSVolume.Type": "SSD3.0",
      "Volume.1.EBSVolume.Size": "20"}, "MissingParameter", "Volume.1.EBSVolume.FsType"),
    ({"Volume.1.Type": "EBSVolume", "Volume.1.Name": "v", "Volume.1.EBSVolume.FsType": "ntfs",
      "Volume.1.EBSVolume.Type": "SSD3.0", "Volume.1.EBSVolume.Size": "20"}, "InvalidParameterValue",
     "Volume.1.EBSVolume.FsType"),
    ({"Volume.1.Type": "EBSVolume", "Volume.1.Name": "v", "Volume.1.EBSVolume.FsType": "ext4",
      "Volume.1.EBSVolume.Size": "20"}, "MissingParameter", "Volume.1.EBSVolume.Type"),
    ({"Volume.1.Type": "EBSVolume", "Volume.1.Name": "v", "Volume.1.EBSVolume.FsType": "ext4",
      "Volume.1.EBSVolume.Type": "SSD3.0"}, "MissingParameter", "Volume.1.EBSVolume.Size"),
    ({"Volume.1.Type": "EBSVolume", "Volume.1.Name": "v", "Volume.1.EBSVolume.FsType": "ext4",
      "Volume.1.EBSVolume.Type": "SATA", "Volume.1.EBSVolume.Size": "20"}, "InvalidParameterValue",
     "Volume.1.EBSVolume.Type"),
    ({"Volume.1.Type": "EBSVolume", "Volume.1.Name": "v", "Volume.1.EBSVolume.FsType": "ext4",
      "Volume.1.EBSVolume.Type": "EHDD", "Volume.1.EBSVolume.Size": "9"}, "InvalidParameterValue",
     "Volume.1.EBSVolume.Size"),
    ({"Volume.1.Type": "EBSVolume", "Volume.1.Name": "v", "Volume.1.EBSVolume.FsType": "ext4",
      "Volume.1.EBSVolume.Type": "EHDD", "Volume.1.EBSVolume.Size": "32001"}, "InvalidParameterValue",
     "Volume.1.EBSVolume.Size"),
    ({"Volume.1.Type": "NFSVolume", "Volume.1.Name": "v", "Volume.1.NFSVolume.Path": "/x"}, "MissingParameter",
     "Volume.1.NFSVolume.Server"),
    ({"Volume.1.Type": "NFSVolume", "Volume.1.Name": "v", "Volume.1.NFSVolume.Server": "nfs"}, "MissingParameter",
     "Volume.1.NFSVolume.Path"),
    ({"Volume.1.Type": "NFSVolume", "Volume.1.Name": "v", "Volume.1.NFSVolume.Server": "nfs",
      "Volume.1.NFSVolume.Path": "x"}, "InvalidParameterValue", "Volume.1.NFSVolume.Path"),
    ({"HostAlias.1.Ip": "10.0.0.1"}, "MissingParameter", "HostAlias.1.Hostname"),
    ({"HostAlias.1.Hostname.1": "db"}, "MissingParameter", "HostAlias.1.Ip"),
    ({"HostAlias.1.Hostname.1": "db", "HostAlias.1.Ip": "db.local"}, "InvalidParameterValue", "HostAlias.1.Ip"),
    ({"HostAlias.1.Hostname.1": "bad_host!", "HostAlias.1.Ip": "10.0.0.1"}, "InvalidParameterValue",
     "HostAlias.1.Hostname.1"),
    ({"DnsConfig.NameServer.1": "dns.local"}, "InvalidParameterValue", "DnsConfig.NameServer.1"),
    ({"DnsConfig.NameServer.1": "1.1.1.1", "DnsConfig.NameServer.2": "1.1.1.2", "DnsConfig.NameServer.3": "1.1.1.3",
      "DnsConfig.NameServer.4": "1.1.1.4"}, "InvalidParameterValue", "DnsConfig.NameServer"),
    ({"DnsConfig.Option.1.Value": "2"}, "MissingParameter", "DnsConfig.Option.1.Name"),
    ({"MachineDnsConfig.NameServer.1": "x"}, "InvalidParameterValue", "MachineDnsConfig.NameServer.1"),
    ({"MachineHostAlias.1.Hostname.1": "db", "MachineHostAlias.1.Ip": "x"}, "InvalidParameterValue",
     "MachineHostAlias.1.Ip"),
    ({"ImageRegistryCredential.1.Server": "hub", "ImageRegistryCredential.1.Username": "u"}, "MissingParameter",
     "ImageRegistryCredential.1.Password"),
    ({"ImageRegistryCredential.1.Server": "hub", "ImageRegistryCredential.1.Password": "p"}, "MissingParameter",
     "ImageRegistryCredential.1.Username"),
    ({"RetainIp": "yes"}, "InvalidParameterValue", "RetainIp"),
    ({"RetainIpHours": "0"}, "InvalidParameterValue", "RetainIpHours"),
    ({"RetainIpHours": "8761"}, "InvalidParameterValue", "RetainIpHours"),
    ({"RetainIpHours": "1.5"}, "InvalidParameterValue", "RetainIpHours"),
    ({"AdvanceSettings.SystemDisk.Type": "HDD"}, "InvalidParameterValue", "AdvanceSettings.SystemDisk.Type"),
    ({"AdvanceSettings.SystemDisk.Size": "19"}, "InvalidParameterValue", "AdvanceSettings.SystemDisk.Size"),
    ({"AdvanceSettings.SystemDisk.Size": "501"}, "InvalidParameterValue", "AdvanceSettings.SystemDisk.Size"),
    ({"AdvanceSettings.SystemDisk.Type": "Local_SSD", "AdvanceSettings.SystemDisk.Size": "101"},
     "InvalidParameterValue", "AdvanceSettings.SystemDisk.Size"),
]


@pytest.mark.parametrize("override,code,name", BAD, ids=[b[2] + "-" + str(i) for i, b in enumerate(BAD)])
def test_create_validation(kci_api, override, code, name):
    params = base()
    for k, v in override.items():
        if v is None:
            params.pop(k, None)
        else:
            params[k] = v
    msg = kci_api.err("CreateContainerGroup", params, 400, code)
    assert name in msg
    assert kci_api.ok("DescribeContainerGroup")["TotalCount"] == 0


def test_the_tables_group_name_is_not_the_parameter(kci_api):
    """ContainerGroup.Name (the table's erratum): refused by name in strict mode, ignored otherwise."""
    params = base()
    params.pop("ContainerGroupName")
    params["ContainerGroup.Name"] = "web"
    kci_api.err("CreateContainerGroup", params, 400, "InvalidQueryParameter", "ContainerGroup.Name")
    kci_api.emu.strict_params = False
    kci_api.err("CreateContainerGroup", params, 400, "MissingParameter", "ContainerGroupName")
    assert kci_api.ok("DescribeContainerGroup")["TotalCount"] == 0


def test_create_accepts_edge_values(kci_api):
    ok_cases = [
        {"AdvanceSettings.SystemDisk.Type": "Local_SSD", "AdvanceSettings.SystemDisk.Size": "100"},
        {"AdvanceSettings.SystemDisk.Size": "500"},
        {"Volume.1.Type": "EBSVolume", "Volume.1.Name": "v", "Volume.1.EBSVolume.FsType": "ext3",
         "Volume.1.EBSVolume.Type": "EHDD", "Volume.1.EBSVolume.Size": "32000"},
        {"SecurityGroupId.0": world.SG},        # 0-based lists are accepted
        {"ChargeType": "HourlyInstantSettlement", "SpotStrategy": "SpotAsPriceGo"},
        {"ContainerGroupName": "a" * 128},
        {"Container.1.Name": "n" * 63, "Container.1.Cpu": "0.125"},
        {"RetainIpHours": "8760"},
    ]
    for i, extra in enumerate(ok_cases):
        params = base(**extra)
        if "ContainerGroupName" not in extra:
            params["ContainerGroupName"] = "edge-%d" % i
        if "SecurityGroupId.0" in extra:
            params.pop("SecurityGroupId.1")
        kci_api.ok("CreateContainerGroup", params)


def test_subnet_and_security_groups_must_exist_in_the_vpc(kci_api):
    kci_api.err("CreateContainerGroup", base(SubnetId="subnet-nope"), 404, "SubnetNotFound")
    kci_api.err("CreateContainerGroup", base(**{"SecurityGroupId.1": "sg-nope"}), 404, "SecurityGroupNotFound")
    msg = kci_api.err("CreateContainerGroup", base(**{"SecurityGroupId.1": world.OTHER_SG}), 400, "InvalidParameterValue")
    assert "SecurityGroupId" in msg
    kci_api.err("CreateContainerGroup", base(SubnetId=world.RESERVE_SUBNET), 400, "InvalidParameterValue")
    gid = kci_api.ok("CreateContainerGroup", base(SubnetId=world.OTHER_SUBNET,
                                                  **{"SecurityGroupId.1": world.OTHER_SG}))["ContainerGroupId"]
    assert group(kci_api, gid)["NetworkInterfaceAttributes"][0]["VpcId"] == world.OTHER_VPC
    # another region has no world: the subnet does not exist there
    kci_api.err("CreateContainerGroup", base(), 404, "SubnetNotFound", region="cn-shanghai-2")


def test_duplicate_name(kci_api):
    kci_api.ok("CreateContainerGroup", base())
    msg = kci_api.err("CreateContainerGroup", base(), 400, "ContainerGroupNameDuplicate")
    assert "web" in msg
    # after deletion the name is free again
    gid = kci_api.ok("DescribeContainerGroup")["ContainerGroups"][0]["ContainerGroupId"]
    kci_api.ok("DeleteContainerGroup", {"ContainerGroupId": gid})
    kci_api.ok("CreateContainerGroup", base())


def test_dry_run(kci_api):
    kci_api.err("CreateContainerGroup", base(DryRun="true"), 412, "DryRunOperation")
    assert kci_api.ok("DescribeContainerGroup")["TotalCount"] == 0
    kci_api.err("CreateContainerGroup", base(DryRun="true", KciType="x"), 400, "InvalidParameterValue")
    gid = kci_api.ok("CreateContainerGroup", base())["ContainerGroupId"]
    kci_api.err("DeleteContainerGroup", {"ContainerGroupId": gid, "DryRun": "true"}, 412, "DryRunOperation")
    assert group(kci_api, gid)["Status"] == "Running"
    kci_api.err("DescribeContainerGroup", {"DryRun": "true"}, 412, "DryRunOperation")
    kci_api.err("DescribeContainerLog", {"ContainerGroupId": gid, "ContainerName": "nginx", "DryRun": "true"},
                412, "DryRunOperation")


# ------------------------------------------------------------------------------------- lifecycle

def test_lifecycle_pending_running_terminating_gone(slow):
    gid = slow.ok("CreateContainerGroup", base())["ContainerGroupId"]
    g = group(slow, gid)
    assert g["Status"] == "Pending"
    c = g["Containers"][0]["CurrentState"]
    assert (c["State"], c["Reason"], c["StartTime"]) == ("waiting", "ContainerCreating", None)
    assert [e["Reason"] for e in g["Events"]] == ["Scheduled", "Pulling"]
    assert slow.ok("DescribeContainerLog", {"ContainerGroupId": gid, "ContainerName": "nginx"})["Content"] == ""
    # status filter only knows Running/Succeeded/Failed: a Pending group matches none of them
    body = slow.ok("DescribeContainerGroup", {"Filter.1.Name": "status", "Filter.1.Value.1": "Running"})
    assert body["TotalCount"] == 0
    slow.emu.advance(10)
    g = group(slow, gid)
    assert g["Status"] == "Running"
    c = g["Containers"][0]["CurrentState"]
    assert c["State"] == "running" and c["StartTime"].endswith("Z") and c["ExitCode"] is None
    assert [e["Reason"] for e in g["Events"]] == ["Scheduled", "Pulling", "Pulled", "Created", "Started"]
    for e in g["Events"]:
        assert set(e) == {"FirstTimestamp", "LastTimestamp", "Count", "Type", "Reason", "Message"}
    body = slow.ok("DescribeContainerGroup", {"Filter.1.Name": "status", "Filter.1.Value.1": "Running"})
    assert body["TotalCount"] == 1
    slow.ok("DeleteContainerGroup", {"ContainerGroupId": gid})
    g = group(slow, gid)
    assert g["Status"] == "Terminating" and g["Events"][-1]["Reason"] == "Killing"
    slow.ok("DeleteContainerGroup", {"ContainerGroupId": gid})          # again: no-op
    slow.err("CreateContainerGroup", base(), 400, "ContainerGroupNameDuplicate")
    slow.emu.advance(10)
    assert group(slow, gid) is None
    slow.err("DeleteContainerGroup", {"ContainerGroupId": gid}, 404, "ContainerGroupNotFound")
    slow.ok("CreateContainerGroup", base())


def test_failure_outcome(slow):
    slow.emu.schedule_fault("CreateContainerGroup", "fail_resource")
    gid = slow.ok("CreateContainerGroup", base())["ContainerGroupId"]
    assert group(slow, gid)["Status"] == "Pending"
    slow.emu.advance(25)
    g = group(slow, gid)
    assert g["Status"] == "Failed"
    c = g["Containers"][0]["CurrentState"]
    assert (c["State"], c["Reason"], c["ExitCode"]) == ("terminated", "Error", 1)
    assert g["Events"][-1]["Type"] == "Warning"
    log = slow.ok("DescribeContainerLog", {"ContainerGroupId": gid, "ContainerName": "nginx"})["Content"]
    assert "exiting with code 1" in log
    body = slow.ok("DescribeContainerGroup", {"Filter.1.Name": "status", "Filter.1.Value.1": "Failed"})
    assert [x["ContainerGroupId"] for x in body["ContainerGroups"]] == [gid]
    # the fault was consumed: the next group runs
    gid2 = slow.ok("CreateContainerGroup", base(ContainerGroupName="ok"))["ContainerGroupId"]
    slow.emu.advance(10)
    assert group(slow, gid2)["Status"] == "Running"


def test_failure_fault_is_given_back_on_validation_error(slow):
    slow.emu.schedule_fault("CreateContainerGroup", "fail_resource")
    slow.err("CreateContainerGroup", base(KciType="x"), 400, "InvalidParameterValue")
    gid = slow.ok("CreateContainerGroup", base())["ContainerGroupId"]
    slow.emu.advance(10)
    assert group(slow, gid)["Status"] == "Failed"


# ------------------------------------------------------------------------------------- describe

def test_describe_ids_filters_search_projects_paging(kci_api):
    made = []
    for i in range(7):
        p = base(ContainerGroupName="app-%d" % i, ProjectId=str(i % 2))
        if i >= 5:
            p.update(SubnetId=world.OTHER_SUBNET, **{"SecurityGroupId.1": world.OTHER_SG})
        if i == 4:
            p.update(SubnetId=world.SUBNET)
        made.append(kci_api.ok("CreateContainerGroup", p)["ContainerGroupId"])
    body = kci_api.ok("DescribeContainerGroup")
    assert (body["TotalCount"], body["MaxResults"], body["Marker"]) == (7, 20, 0)
    assert [g["ContainerGroupId"] for g in body["ContainerGroups"]] == made     # creation order
    body = kci_api.ok("DescribeContainerGroup", {"ContainerGroupId.1": made[2], "ContainerGroupId.2": made[0],
                                                 "ContainerGroupId.3": "nope"})
    assert sorted(g["ContainerGroupId"] for g in body["ContainerGroups"]) == sorted([made[0], made[2]])

    def names(params):
        return [g["ContainerGroupName"] for g in kci_api.ok("DescribeContainerGroup", params)["ContainerGroups"]]

    assert names({"Filter.1.Name": "vpc-id", "Filter.1.Value.1": world.OTHER_VPC}) == ["app-5", "app-6"]
    assert names({"Filter.1.Name": "subnet-id", "Filter.1.Value.1": world.SUBNET}) == ["app-4"]
    assert names({"Filter.1.Name": "availability-zone.name", "Filter.1.Value.1": "cn-beijing-6b"}) == ["app-4"]
    assert names({"Filter.1.Name": "vpc-id", "Filter.1.Value.1": world.VPC,
                  "Filter.2.Name": "availability-zone.name", "Filter.2.Value.1": "cn-beijing-6a"}) == \
        ["app-0", "app-1", "app-2", "app-3"]
    assert names({"Search": "app-3"}) == ["app-3"]
    ip = group(kci_api, made[6])["NetworkInterfaceAttributes"][0]["PrivateIpAddress"]
    assert names({"Search": ip}) == ["app-6"]
    assert names({"ProjectId.1": "1"}) == ["app-1", "app-3", "app-5"]
    assert len(names({"ProjectId.1": "1", "ProjectId.2": "0"})) == 7
    p1 = kci_api.ok("DescribeContainerGroup", {"MaxResults": 3})
    p2 = kci_api.ok("DescribeContainerGroup", {"MaxResults": 3, "Marker": p1["Marker"]})
    p3 = kci_api.ok("DescribeContainerGroup", {"MaxResults": 3, "Marker": p2["Marker"]})
    assert (p1["Marker"], p2["Marker"], p3["Marker"], len(p3["ContainerGroups"])) == (3, 6, 0, 1)
    kci_api.ok("DescribeContainerGroup", {"MaxResults": 100})
    kci_api.err("DescribeContainerGroup", {"MaxResults": 101}, 400, "InvalidParameterValue")
    kci_api.err("DescribeContainerGroup", {"Filter.1.Name": "status", "Filter.1.Value.1": "Pending"}, 400,
                "InvalidParameterValue")
    kci_api.err("DescribeContainerGroup", {"Filter.1.Name": "name", "Filter.1.Value.1": "x"}, 400,
                "InvalidParameterValue")
    kci_api.err("DescribeContainerGroup", {"Filter.1.Name": "vpc-id", "Filter.1.Value.1": "a",
                                           "Filter.2.Name": "vpc-id", "Filter.2.Value.1": "b"}, 400,
                "InvalidParameterValue")
    kci_api.err("DescribeContainerGroup", {"ProjectId.1": "abc"}, 400, "InvalidParameterValue")


# ------------------------------------------------------------------------------------------ logs

def test_container_log(slow):
    gid = slow.ok("CreateContainerGroup", base(**{"Container.2.Name": "app", "Container.2.Image": "busybox"}))[
        "ContainerGroupId"]
    slow.emu.advance(10 + 3000)            # running for 3000 s: 4 boot lines + 300 access lines
    log = slow.ok("DescribeContainerLog", {"ContainerGroupId": gid, "ContainerName": "nginx"})["Content"]
    lines = log.splitlines()
    assert len(lines) == 200 and all('"GET / HTTP/1.1" 200' in l for l in lines)
    again = slow.ok("DescribeContainerLog", {"ContainerGroupId": gid, "ContainerName": "nginx"})["Content"]
    assert again == log                                                     # deterministic
    full = slow.ok("DescribeContainerLog", {"ContainerGroupId": gid, "ContainerName": "nginx",
                                            "Tail": 1000})["Content"].splitlines()
    assert len(full) == 304 and full[0].startswith("/docker-entrypoint.sh")
    assert full[-200:] == lines
    one = slow.ok("DescribeContainerLog", {"ContainerGroupId": gid, "ContainerName": "app", "Tail": 1})["Content"]
    assert len(one.splitlines()) == 1 and "heartbeat" in one
    slow.err("DescribeContainerLog", {"ContainerGroupId": gid, "ContainerName": "app", "Tail": 1001}, 400,
             "InvalidParameterValue")
    slow.err("DescribeContainerLog", {"ContainerGroupId": gid, "ContainerName": "app", "Tail": 0}, 400,
             "InvalidParameterValue")
    msg = slow.err("DescribeContainerLog", {"ContainerGroupId": gid, "ContainerName": "nope"}, 404,
                   "ContainerNotFound")
    assert "nope" in msg
    slow.err("DescribeContainerLog", {"ContainerGroupId": "nope", "ContainerName": "app"}, 404,
             "ContainerGroupNotFound")
    slow.err("DescribeContainerLog", {"ContainerGroupId": gid}, 400, "MissingParameter")
    slow.err("DescribeContainerLog", {"ContainerName": "app"}, 400, "MissingParameter")


def test_delete_validation(kci_api):
    kci_api.err("DeleteContainerGroup", {}, 400, "MissingParameter")
    kci_api.err("DeleteContainerGroup", {"ContainerGroupId": "nope"}, 404, "ContainerGroupNotFound")
    gid = kci_api.ok("CreateContainerGroup", base())["ContainerGroupId"]
    kci_api.ok("DeleteContainerGroup", {"ContainerGroupId": gid}, method="POST")
    assert kci_api.ok("DescribeContainerGroup")["TotalCount"] == 0                 # lifecycle 0: gone at once
    kci_api.err("DeleteContainerGroup", {"ContainerGroupId": gid}, 404, "ContainerGroupNotFound")


# ------------------------------------------------------------------------------------- isolation

def test_accounts_and_regions_are_isolated(two_accounts):
    one, two = two_accounts("kci")
    gid = one.ok("CreateContainerGroup", base())["ContainerGroupId"]
    assert two.ok("DescribeContainerGroup")["TotalCount"] == 0
    assert two.ok("DescribeContainerGroup", {"ContainerGroupId.1": gid})["TotalCount"] == 0
    two.err("DeleteContainerGroup", {"ContainerGroupId": gid}, 404, "ContainerGroupNotFound")
    two.err("DescribeContainerLog", {"ContainerGroupId": gid, "ContainerName": "nginx"}, 404,
            "ContainerGroupNotFound")
    two.ok("CreateContainerGroup", base())                                # same name, other account
    assert one.ok("DescribeContainerGroup", region="cn-shanghai-2")["TotalCount"] == 0
    assert one.ok("DescribeContainerGroup")["TotalCount"] == 1


def test_ips_never_collide_with_world_instances(kci_api):
    """Container groups take addresses from the same per-subnet counter as KCE nodes."""
    store = kci_api.emu.region_store()
    taken = {k.get("PrivateIpAddress") for k in store.list("kec")}
    taken |= {n.get("PrivateIpAddress") for n in store.list("node")}
    for j, subnet in enumerate((world.SUBNET, world.SUBNET_ALIASES[0], world.KDC_SUBNET)):
        for i in range(3):
            gid = kci_api.ok("CreateContainerGroup", base(ContainerGroupName="ip-%d-%d" % (j, i),
                                                          SubnetId=subnet))["ContainerGroupId"]
            ip = group(kci_api, gid)["NetworkInterfaceAttributes"][0]["PrivateIpAddress"]
            assert ip not in taken
            taken.add(ip)
