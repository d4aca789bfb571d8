"""Replay every KCI (2020-07-02) example request printed in the document against a fresh emulator.

Printed values are sent unchanged (the only correction is the documented `Image.l` -> `Image.1`
erratum).  The printed subnet and security group are ids of the default world.  The document prints
a different container group id in each example (`…4e29xxxxxx`, `…4e29-af1axxxx`, `…4e29-aflaxxxx`,
`…4e29-af1axxxxxx`): every printed id is a literal id, so the replay files the group it created
under each id a later example asks for (through the emulator's store, as the admin side may).
Every answer must carry every field of the printed answer and of the response table, typed as
documented.
"""
from test_kcr_examples import check_like, check_types, load_data, parse_query

EX = load_data("kci_examples")


def _file_under(emu, kind, ident, printed_id, key):
    """Copy a stored object under the id a printed example uses."""
    store = emu.region_store()
    obj = store.get(kind, ident)
    assert obj is not None, (kind, ident)
    obj[key] = printed_id
    store.put(kind, printed_id, obj)


def test_replay_every_printed_kci_example(emulator_server, signed):
    emu = emulator_server
    created = {}
    got = {}
    for example in EX.EXAMPLES:
        query = example["query"]
        for wrong, right in EX.ERRATA.items():
            query = query.replace(wrong, right)
        pairs = parse_query(query)
        assert pairs[0] == ("Action", example["action"]) and pairs[1] == ("Version", "2020-07-02")
        printed_id = example.get("printed_id")
        if printed_id is not None:
            if example["action"].endswith("ImageCache"):
                _file_under(emu, "image_cache", created["image_cache"], printed_id, "ImageCacheId")
            else:
                _file_under(emu, "container_group", created["container_group"], printed_id, "ContainerGroupId")
        status, body = signed(emu, None, pairs, version=False, service="kci",
                              method=example.get("method", "GET"))
        assert status == 200, (example["action"], body)
        check_like(body, example["response"], example["action"])
        check_types(body, example["fields"], example["action"])
        got[example["action"]] = body
        if example["action"] == "CreateContainerGroup":
            created["container_group"] = body["ContainerGroupId"]
        if example["action"] == "CreateImageCache":
            created["image_cache"] = body["ImageCacheId"]
    assert len(got) == 7

    group = got["DescribeContainerGroup"]["ContainerGroups"][0]
    printed = EX.EXAMPLES[1]["response"]["ContainerGroups"][0]
    assert got["DescribeContainerGroup"]["TotalCount"] == 1
    assert group["ContainerGroupId"] == "9f0c0be6-f6fe-4e29-af1axxxx"
    for key in ("ChargeType", "Cpu", "Memory", "RestartPolicy", "Status", "InstanceType", "KciType",
                "KciMode", "ProjectId", "Labels", "Gpu", "SucceededTime", "Volumes", "DnsConfig",
                "HostAliases", "RetainIp", "RetainIpHours"):
        assert group[key] == printed[key], key
    assert group["ContainerGroupName"] == "nginx-kci"
    assert group["AvailabilityZone"] == "cn-beijing-6a"
    nic = group["NetworkInterfaceAttributes"][0]
    assert nic["SubnetId"] == EX.PRINTED_SUBNET
    assert nic["SecurityGroups"] == [{"SecurityGroupId": EX.PRINTED_SECURITY_GROUP}]
    container = group["Containers"][0]
    pc = printed["Containers"][0]
    for key in ("Commands", "Args", "EnvironmentVars", "Cpu", "Memory", "WorkingDir", "Image",
                "ImagePullPolicy", "Ports", "VolumeMounts", "RestartCount", "PreviousState"):
        assert container[key] == pc[key], key
    assert container["Name"] == "nginx-container"
    assert container["CurrentState"]["State"] == "running"
    assert container["CurrentState"]["StartTime"].endswith("Z")
    assert got["DescribeContainerLog"]["Content"]

    cache = got["DescribeImageCache"]["ImageCaches"][0]
    pcache = EX.EXAMPLES[5]["response"]["ImageCaches"][0]
    assert cache["ImageCacheId"] == "338a3364-aba4-4a4c-bcdf-f641xxxxxx"
    for key in ("ImageCacheName", "Images", "Status", "ImageCacheSize", "Reason"):
        assert cache[key] == pcache[key], key
    assert cache["SnapshotId"] and cache["ContainerGroupId"]
    # RetentionDays=10: expires ten days after creation, as in the print
    import time
    t0 = time.mktime(time.strptime(cache["CreateTime"], "%Y-%m-%d %H:%M:%S"))
    t1 = time.mktime(time.strptime(cache["ExpireTime"], "%Y-%m-%d %H:%M:%S"))
    assert t1 - t0 == 10 * 86400


def test_printed_image_typo_is_refused_as_printed(emulator_server, signed):
    """`Image.l` (the print's typo) is not a list index: an unknown name (strict mode), or a request
    that lacks Image.N (lenient mode)."""
    query = [q for q in EX.EXAMPLES if q["action"] == "CreateImageCache"][0]["query"]
    status, body = signed(emulator_server, None, parse_query(query), version=False, service="kci",
                          method="POST")
    assert status == 400
    assert body["Error"]["Code"] == "InvalidQueryParameter" and "Image.l" in body["Error"]["Message"]
    emulator_server.strict_params = False   # lenient: the unknown name is ignored
    status, body = signed(emulator_server, None, parse_query(query), version=False, service="kci",
                          method="POST")
    assert status == 400
    assert body["Error"]["Code"] == "MissingParameter" and "Image.N" in body["Error"]["Message"]


# the response tables' nested types, for a group that has every optional part
VOLUME_FULL = {"Type": str, "Name": str, "EBSVolume": (dict, type(None)), "NFSVolume": (dict, type(None))}
EBS = {"FsType": str, "VolumeId": str}
NFS = {"Server": str, "Path": str, "ReadOnly": bool, "Options": [str]}
DNS = {"NameServers": [str], "Searches": [str], "Options": [{"Name": str, "Value": (str, type(None))}]}
HOST_ALIAS = {"Hostnames": [str], "Ip": str}
CONTAINER_FULL = dict(EX.CONTAINER, Commands=[str], Args=[str], EnvironmentVars=[{"Key": str, "Value": str}],
                      Ports=[{"Port": int, "Protocol": str}],
                      VolumeMounts=[{"Name": str, "MountPath": str, "ReadOnly": bool}])
GROUP_FULL = dict(EX.CONTAINER_GROUP, Volumes=[VOLUME_FULL], DnsConfig=DNS, HostAliases=[HOST_ALIAS],
                  Containers=[CONTAINER_FULL], Events=[EX.EVENT], RetainIp=bool, RetainIpHours=str)


def test_every_documented_nested_type(emulator_server, signed):
    params = {
        "ContainerGroupName": "typed", "SubnetId": EX.PRINTED_SUBNET, "SecurityGroupId.1": EX.PRINTED_SECURITY_GROUP,
        "KciType": "RBKCI", "ChargeType": "HourlyInstantSettlement", "RetainIp": "true", "RetainIpHours": "24",
        "Volume.1.Type": "EBSVolume", "Volume.1.Name": "data", "Volume.1.EBSVolume.FsType": "ext4",
        "Volume.1.EBSVolume.Type": "SSD3.0", "Volume.1.EBSVolume.Size": "10",
        "Volume.2.Type": "NFSVolume", "Volume.2.Name": "nfs", "Volume.2.NFSVolume.Server": "10.0.0.9",
        "Volume.2.NFSVolume.Path": "/x", "Volume.2.NFSVolume.Options.1": "vers=3",
        "Volume.3.Type": "EmptyDirVolume", "Volume.3.Name": "tmp",
        "HostAlias.1.Hostname.1": "a.local", "HostAlias.1.Ip": "10.0.0.8",
        "DnsConfig.NameServer.1": "10.0.0.2", "DnsConfig.Search.1": "local", "DnsConfig.Option.1.Name": "ndots",
        "Container.1.Name": "app", "Container.1.Image": "busybox", "Container.1.Command.1": "sleep",
        "Container.1.Arg.1": "3600", "Container.1.EnvironmentVar.1.Key": "A", "Container.1.EnvironmentVar.1.Value": "b",
        "Container.1.Port.1.Port": "8080", "Container.1.VolumeMount.1.Name": "data",
        "Container.1.VolumeMount.1.MountPath": "/data", "Container.1.WorkingDir": "/", "Container.1.Cpu": "0.5",
        "Container.1.Memory": "1",
    }
    kci = {"service": "kci", "version": "2020-07-02"}
    status, body = signed(emulator_server, "CreateContainerGroup", params, method="POST", **kci)
    assert status == 200, body
    status, body = signed(emulator_server, "DescribeContainerGroup", {"ContainerGroupId.1": body["ContainerGroupId"]},
                          **kci)
    assert status == 200, body
    check_types(body, dict(EX.PAGED, ContainerGroups=[GROUP_FULL]))
    vols = {v["Name"]: v for v in body["ContainerGroups"][0]["Volumes"]}
    check_types(vols["data"]["EBSVolume"], EBS)
    check_types(vols["nfs"]["NFSVolume"], NFS)
    assert vols["tmp"]["EBSVolume"] is None and vols["tmp"]["NFSVolume"] is None
