"""KCI: the emulator's name-uniqueness choice and its --allow-duplicate-names flag; RetainIp (a group
created again under the same name within RetainIpHours gets its IP back, as the document says)."""
import pytest

from ksyun_emulator import world
from ksyun_emulator.server import Emulator, build_parser


def group_params(name="web", **extra):
    p = {"ContainerGroupName": name, "SubnetId": world.KDC_SUBNET, "SecurityGroupId.1": world.SG,
         "KciType": "RBKCI", "ChargeType": "HourlyInstantSettlement",
         "Container.1.Name": "nginx", "Container.1.Image": "hub.kce.ksyun.com/ksyun/nginx:latest"}
    p.update(extra)
    return p


def cache_params(name="cache"):
    return {"ImageCacheName": name, "SubnetId": world.KDC_SUBNET, "SecurityGroupId": world.SG,
            "Image.1": "hub.kce.ksyun.com/ksyun/nginx:latest"}


def ip_of(api, gid):
    g = api.first("DescribeContainerGroup", {"ContainerGroupId.1": gid}, "ContainerGroups")
    return g["NetworkInterfaceAttributes"][0]["PrivateIpAddress"]


def test_the_flag_is_off_by_default_and_on_from_the_command_line():
    assert build_parser().parse_args([]).allow_duplicate_names is False
    assert build_parser().parse_args(["--allow-duplicate-names"]).allow_duplicate_names is True
    assert Emulator().allow_duplicate_names is False


def test_duplicate_names_are_refused_by_default_and_allowed_with_the_flag(kci_api):
    kci_api.ok("CreateContainerGroup", group_params())
    kci_api.err("CreateContainerGroup", group_params(), 400, "ContainerGroupNameDuplicate")
    kci_api.ok("CreateImageCache", cache_params())
    kci_api.err("CreateImageCache", cache_params(), 400, "ImageCacheNameDuplicate")
    kci_api.emu.allow_duplicate_names = True
    second = kci_api.ok("CreateContainerGroup", group_params())["ContainerGroupId"]
    kci_api.ok("CreateImageCache", cache_params())
    groups = kci_api.ok("DescribeContainerGroup", {"Search": "web"})["ContainerGroups"]
    assert [g["ContainerGroupName"] for g in groups] == ["web", "web"]
    assert groups[1]["ContainerGroupId"] == second and groups[0]["ContainerGroupId"] != second
    assert [c["ImageCacheName"] for c in kci_api.ok("DescribeImageCache")["ImageCaches"]] == ["cache", "cache"]


def test_retain_ip_gives_the_ip_back_to_a_group_of_the_same_name(kci_api):
    gid = kci_api.ok("CreateContainerGroup", group_params(RetainIp="true"))["ContainerGroupId"]
    ip = ip_of(kci_api, gid)
    kci_api.ok("DeleteContainerGroup", {"ContainerGroupId": gid})
    other = kci_api.ok("CreateContainerGroup", group_params("other"))["ContainerGroupId"]
    assert ip_of(kci_api, other) != ip                       # kept for its name: another name gets another
    again = kci_api.ok("CreateContainerGroup", group_params())["ContainerGroupId"]
    assert again != gid and ip_of(kci_api, again) == ip
    # offered once: deleted without RetainIp, the next one of the name gets a new address
    kci_api.ok("DeleteContainerGroup", {"ContainerGroupId": again})
    third = kci_api.ok("CreateContainerGroup", group_params())["ContainerGroupId"]
    assert ip_of(kci_api, third) != ip


def test_without_retain_ip_the_ip_is_not_kept(kci_api):
    gid = kci_api.ok("CreateContainerGroup", group_params())["ContainerGroupId"]
    ip = ip_of(kci_api, gid)
    kci_api.ok("DeleteContainerGroup", {"ContainerGroupId": gid})
    assert ip_of(kci_api, kci_api.ok("CreateContainerGroup", group_params())["ContainerGroupId"]) != ip


@pytest.mark.parametrize("hours, wait, kept", [(None, 24 * 3600 - 1, True), (None, 24 * 3600, False),
                                               ("2", 2 * 3600 - 1, True), ("2", 2 * 3600, False)])
def test_retain_ip_hours_bound_the_retention(kci_api, hours, wait, kept):
    extra = {"RetainIp": "true"}
    if hours:
        extra["RetainIpHours"] = hours
    gid = kci_api.ok("CreateContainerGroup", group_params(**extra))["ContainerGroupId"]
    ip = ip_of(kci_api, gid)
    kci_api.ok("DeleteContainerGroup", {"ContainerGroupId": gid})
    kci_api.emu.advance(wait)
    again = kci_api.ok("CreateContainerGroup", group_params())["ContainerGroupId"]
    assert (ip_of(kci_api, again) == ip) is kept


def test_a_retained_ip_stays_in_its_subnet(kci_api):
    gid = kci_api.ok("CreateContainerGroup", group_params(RetainIp="true"))["ContainerGroupId"]
    ip = ip_of(kci_api, gid)
    kci_api.ok("DeleteContainerGroup", {"ContainerGroupId": gid})
    elsewhere = kci_api.ok("CreateContainerGroup", group_params(SubnetId=world.SUBNET))["ContainerGroupId"]
    assert ip_of(kci_api, elsewhere) != ip
    kci_api.ok("DeleteContainerGroup", {"ContainerGroupId": elsewhere})
    back = kci_api.ok("CreateContainerGroup", group_params())["ContainerGroupId"]
    assert ip_of(kci_api, back) == ip


def test_a_dry_run_delete_retains_nothing(kci_api):
    gid = kci_api.ok("CreateContainerGroup", group_params(RetainIp="true"))["ContainerGroupId"]
    kci_api.err("DeleteContainerGroup", {"ContainerGroupId": gid, "DryRun": "true"}, 412, "DryRunOperation")
    assert kci_api.emu.region_store().list("retained_ip") == []
