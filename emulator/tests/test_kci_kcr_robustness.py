"""No KCR or KCI action answers 500 to odd input: every documented parameter (and a few nested ones)
gets a set of awkward values; the answer is a 2xx/4xx with the documented error body."""
import pytest

from ksyun_emulator import world

KCR_ACTIONS = {
    "CreateRepoNamespace": ["Namespace", "Public"],
    "DescribeRepoNamespace": ["Namespace", "MaxResults", "Marker", "Filter.1.Name", "Filter.1.Value.1"],
    "ModifyRepoNamespaceType": ["Namespace", "Public"],
    "RepoNamespaceExist": ["Namespace"],
    "DeleteRepoNamespace": ["Namespace"],
    "CreateRepository": ["RepoName", "Description"],
    "DescribeRepository": ["RepoName.1", "MaxResults", "Marker", "Filter.1.Name", "Filter.1.Value.1"],
    "DeleteRepository": ["RepoName"],
    "DescribePublicRepository": ["RepoName.1", "MaxResults", "Marker", "Filter.1.Name", "Filter.1.Value.1"],
    "UpdateRepoDesc": ["RepoName", "Description"],
    "DescribeTag": ["RepoName", "MaxResults", "Marker", "Filter.1.Name", "Filter.1.Value.1"],
    "DeleteTags": ["RepoName", "Tag.1"],
    "GetFavor": ["MaxResults", "Marker"],
    "AddFavor": ["RepoName", "RepoType"],
    "DeleteFavor": ["RepoName"],
    "RegisterRepositoryAccount": ["Password"],
    "ModifyPassword": ["Password"],
}
GROUP = {"ContainerGroupName": "fuzz", "SubnetId": world.KDC_SUBNET, "SecurityGroupId.1": world.SG,
         "KciType": "RBKCI", "ChargeType": "HourlyInstantSettlement", "Container.1.Name": "app",
         "Container.1.Image": "busybox"}
KCI_ACTIONS = {
    "CreateContainerGroup": (GROUP, [
        "ContainerGroupName", "SubnetId", "SecurityGroupId.1", "KciType", "ChargeType", "SpotStrategy",
        "ProjectId", "InstanceType", "ImageCacheId", "AutoMatchImageCache", "RestartPolicy", "Cpu", "Memory",
        "Container.1.Name", "Container.1.Image", "Container.1.ImagePullPolicy", "Container.1.Cpu",
        "Container.1.Memory", "Container.1.Command.1", "Container.1.Port.1.Port", "Container.1.Port.1.Protocol",
        "Container.1.EnvironmentVar.1.Key", "Container.1.VolumeMount.1.Name", "Volume.1.Type", "Volume.1.Name",
        "Volume.1.EBSVolume.Size", "Volume.1.NFSVolume.Path", "HostAlias.1.Hostname.1", "HostAlias.1.Ip",
        "DnsConfig.NameServer.1", "DnsConfig.Option.1.Name", "RetainIp", "RetainIpHours", "EipAllocationId",
        "AdvanceSettings.SystemDisk.Size", "AdvanceSettings.SystemDisk.Type", "ImageRegistryCredential.1.Server",
        "MachineHostAlias.1.Ip", "MachineDnsConfig.Search.1"]),
    "DescribeContainerGroup": ({}, ["ContainerGroupId.1", "MaxResults", "Marker", "Filter.1.Name",
                                    "Filter.1.Value.1", "Search", "ProjectId.1"]),
    "DescribeContainerLog": ({"ContainerName": "app"}, ["ContainerGroupId", "ContainerName", "Tail"]),
    "DeleteContainerGroup": ({}, ["ContainerGroupId"]),
    "CreateImageCache": ({"ImageCacheName": "fuzz", "SubnetId": world.KDC_SUBNET, "SecurityGroupId": world.SG,
                          "Image.1": "busybox"},
                         ["ImageCacheName", "SubnetId", "SecurityGroupId", "Image.1", "ImageCacheSize",
                          "RetentionDays", "ImageRegistryCredential.1.Password"]),
    "DescribeImageCache": ({}, ["ImageCacheId.1", "Image", "ImageCacheName", "MaxResults", "Marker"]),
    "DeleteImageCache": ({}, ["ImageCacheId"]),
}
ODD = ["", " ", "x" * 3000, "-1", "0", "1e309", "nan", "3.14159", "true", "中文", "a/b:c", "%", "\u0000"]


def _check(status, body):
    assert status < 500, body
    if status >= 300:
        assert set(body) == {"RequestId", "Error"} and body["Error"]["Type"] == "Sender"


@pytest.mark.parametrize("action", sorted(KCR_ACTIONS))
def test_kcr_never_500(emulator_server, signed, action):
    for name in KCR_ACTIONS[action]:
        for value in ODD:
            _check(*signed(emulator_server, action, {name: value}, service="kce", version="2018-03-14",
                           method="POST"))


@pytest.mark.parametrize("action", sorted(KCI_ACTIONS))
def test_kci_never_500(emulator_server, signed, action):
    base, names = KCI_ACTIONS[action]
    for name in names:
        for value in ODD:
            params = dict(base)
            params[name] = value
            if action == "CreateContainerGroup":
                params["ContainerGroupName"] = params["ContainerGroupName"] if name == "ContainerGroupName" \
                    else "fuzz-%d" % (len(name) * 100 + ODD.index(value))
            _check(*signed(emulator_server, action, params, service="kci", version="2020-07-02", method="POST"))


def test_state_survives_a_restart(tmp_path, signed):
    """With --state, KCR and KCI objects (and the registry login) outlive the emulator process."""
    from ksyun_emulator import kcr
    from ksyun_emulator.server import Emulator

    path = str(tmp_path / "state.sqlite")
    kcr_v = {"service": "kce", "version": "2018-03-14"}
    kci_v = {"service": "kci", "version": "2020-07-02"}
    emu = Emulator(state=path)
    emu.start()
    try:
        assert signed(emu, "CreateRepoNamespace", {"Namespace": "kept", "Public": "true"}, **kcr_v)[0] == 200
        assert signed(emu, "CreateRepository", {"RepoName": "kept/app"}, **kcr_v)[0] == 200
        assert signed(emu, "AddFavor", {"RepoName": "ksyun/nginx", "RepoType": "KSYUN HUB"}, **kcr_v)[0] == 200
        assert signed(emu, "RegisterRepositoryAccount", {"Password": "Kept-pass1"}, method="POST", **kcr_v)[0] == 200
        gid = signed(emu, "CreateContainerGroup", dict(GROUP), method="POST", **kci_v)[1]["ContainerGroupId"]
        cid = signed(emu, "CreateImageCache", {"ImageCacheName": "kept", "SubnetId": world.KDC_SUBNET,
                                               "SecurityGroupId": world.SG, "Image.1": "busybox"}, **kci_v)[1]["ImageCacheId"]
    finally:
        emu.stop()
    emu = Emulator(state=path)
    emu.start()
    try:
        body = signed(emu, "DescribeRepository", {}, **kcr_v)[1]
        assert [r["RepoName"] for r in body["RepoSet"]] == ["kept/app"]
        assert signed(emu, "GetFavor", {}, **kcr_v)[1]["TotalCount"] == 1
        assert signed(emu, "DescribePublicRepository", {}, **kcr_v)[1]["TotalCount"] == 155
        assert kcr.verify_password(emu.account_store(), "Kept-pass1")
        body = signed(emu, "DescribeContainerGroup", {"ContainerGroupId.1": gid}, **kci_v)[1]
        assert body["ContainerGroups"][0]["Status"] == "Running"
        body = signed(emu, "DescribeImageCache", {"ImageCacheId.1": cid}, **kci_v)[1]
        assert body["ImageCaches"][0]["Status"] == "Ready"
        gid2 = signed(emu, "CreateContainerGroup", dict(GROUP, ContainerGroupName="second"), **kci_v)[1]["ContainerGroupId"]
        assert gid2 != gid
    finally:
        emu.stop()
