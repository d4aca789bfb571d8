"""The KCI (2020-07-02) request/response examples printed in 002_4792b7a1c516b6f6.txt.

`query` is the printed request (after `?`; printed line breaks joined with `&`), kept exactly as
printed.  The replay applies only the documented errata in `ERRATA` (CreateImageCache prints
`Image.l=` for `Image.1=`).  Printed ids are literal ids (spec README): the replay makes sure the
printed subnet and security group exist and puts the container groups / image caches it created
under the ids the later examples print.  `response` is the printed answer (DescribeContainerGroup
re-assembled across its page break); `fields` is the documented response tables' field names and
types, checked together with every field name of the printed answer.
"""

ERRATA = {"&Image.l=": "&Image.1="}

PRINTED_SUBNET = "f2ac1919-0e34-4812xxxxxx"
PRINTED_SECURITY_GROUP = "d46c7672-7ca9-4f51xxxxxx"

NUM = (int, float)
OPT_STR = (str, type(None))
OPT_NUM = (int, float, type(None))
OPT_INT = (int, type(None))
OPT_BOOL = (bool, type(None))
OPT_LIST = (list, type(None))
OPT_DICT = (dict, type(None))

STATE = {"StartTime": OPT_STR, "FinishTime": OPT_STR, "State": str, "Reason": OPT_STR, "ExitCode": OPT_INT}
CONTAINER = {"Name": str, "Cpu": OPT_NUM, "Memory": OPT_NUM, "Image": str, "ImagePullPolicy": str,
             "Commands": list, "Args": list, "EnvironmentVars": OPT_LIST, "WorkingDir": OPT_STR,
             "Ports": OPT_LIST, "VolumeMounts": OPT_LIST, "RestartCount": int,
             "PreviousState": OPT_DICT, "CurrentState": STATE}
NETWORK_INTERFACE = {"NetworkInterfaceId": str, "NetworkInterfaceType": str, "VpcId": str, "SubnetId": str,
                     "PrivateIpAddress": str, "PublicIp": OPT_STR, "MacAddress": str,
                     "SecurityGroups": [{"SecurityGroupId": str}]}
CONTAINER_GROUP = {
    "ContainerGroupId": str, "ContainerGroupName": str, "AvailabilityZone": str, "KciType": str,
    "ChargeType": str, "ProjectId": int, "InstanceType": str,
    "NetworkInterfaceAttributes": [NETWORK_INTERFACE], "Cpu": NUM, "Memory": NUM, "Gpu": OPT_INT,
    "CreateTime": str, "RestartPolicy": str, "Status": str, "SucceededTime": OPT_STR,
    "Volumes": OPT_LIST, "DnsConfig": OPT_DICT, "HostAliases": OPT_LIST, "Containers": [CONTAINER],
    "Events": OPT_LIST, "RetainIp": OPT_BOOL, "RetainIpHours": OPT_STR,
}
EVENT = {"FirstTimestamp": str, "LastTimestamp": str, "Count": int, "Type": str, "Reason": str, "Message": str}
IMAGE_CACHE = {"ImageCacheId": str, "ImageCacheName": str, "Images": [str], "ImageCacheSize": int,
               "Status": str, "CreateTime": str, "ExpireTime": str, "SnapshotId": str,
               "ContainerGroupId": str, "Reason": str}
PAGED = {"RequestId": str, "MaxResults": int, "Marker": int, "TotalCount": int}

EXAMPLES = [
    {
        "action": "CreateContainerGroup",
        "query": "Action=CreateContainerGroup&Version=2020-07-02"
                 "&ContainerGroupName=nginx-kci"
                 "&ChargeType=HourlyInstantSettlement"
                 "&KciType=RBKCI"
                 "&SubnetId=f2ac1919-0e34-4812xxxxxx"
                 "&SecurityGroupId.1=d46c7672-7ca9-4f51xxxxxx"
                 "&Memory=4"
                 "&Cpu=2"
                 "&Container.1.Name=nginx-container"
                 "&Container.1.Image=hub.kce.ksyun.com/ksyun/nginx:latest"
                 "&Container.1.Port.1.Port=80"
                 "&Container.1.Port.1.Protocol=TCP"
                 "&RestartPolicy=Always",
        "method": "POST",
        "response": {"RequestId": "cdc0ab95-34fc-403e-b0b1xxxxxx", "ContainerGroupId": "9f0c0be6-f6fe-4e29xxxxxx"},
        "fields": {"RequestId": str, "ContainerGroupId": str},
    },
    {
        "action": "DescribeContainerGroup",
        "query": "Action=DescribeContainerGroup&Version=2020-07-02"
                 "&ContainerGroupId.1=9f0c0be6-f6fe-4e29-af1axxxx",
        "printed_id": "9f0c0be6-f6fe-4e29-af1axxxx",
        "response": {
            "RequestId": "1f0b6c93-bcb9-475d-a3762dxxxxxx",
            "MaxResults": 20,
            "Marker": 0,
            "TotalCount": 1,
            "ContainerGroups": [
                {
                    "ContainerGroupId": "f8cba191-c9ff-40ff-f24209xxxxxx",
                    "ContainerGroupName": "nginx-rbkci",
                    "AvailabilityZone": "cn-beijing-6a",
                    "ChargeType": "HourlyInstantSettlement",
                    "NetworkInterfaceAttributes": [
                        {
                            "NetworkInterfaceId": "b3888b4a-be14-4f81-4dbae1xxxxxx",
                            "NetworkInterfaceType": "primary",
                            "VpcId": "e8529d17-7015-48ef-36dd25xxxxxx",
                            "SubnetId": "d9b2b914-1533-4299-563a36xxxxxx",
                            "PrivateIpAddress": "10.0.xx.xx",
                            "PublicIp": "120.92.xx.xx",
                            "MacAddress": "fa:16:3e:1d:xx:xx",
                            "SecurityGroups": [{"SecurityGroupId": "30c47f6e-51ac-4fc3-2b7303xxxxxx"}],
                        }
                    ],
                    "Cpu": 2,
                    "Memory": 4,
                    "Gpu": None,
                    "CreateTime": "2023-02-27 16:45:23",
                    "RestartPolicy": "Always",
                    "Status": "Running",
                    "SucceededTime": None,
                    "Volumes": None,
                    "DnsConfig": None,
                    "Containers": [
                        {
                            "Name": "nginx",
                            "Commands": [],
                            "Args": [],
                            "EnvironmentVars": None,
                            "Cpu": None,
                            "Memory": None,
                            "Gpu": None,
                            "WorkingDir": None,
                            "Image": "hub.kce.ksyun.com/ksyun/nginx:latest",
                            "ImagePullPolicy": "IfNotPresent",
                            "LivenessProbe": None,
                            "ReadinessProbe": None,
                            "Ports": [{"Protocol": "TCP", "Port": 80}],
                            "VolumeMounts": None,
                            "RestartCount": 0,
                            "CurrentState": {
                                "StartTime": "2023-02-27T08:46:08Z",
                                "FinishTime": None,
                                "State": "running",
                                "Reason": None,
                                "ExitCode": None,
                            },
                            "PreviousState": None,
                            "Events": None,
                        }
                    ],
                    "Events": None,
                    "Labels": [
                        {"Key": "cluster-id", "Value": None},
                        {"Key": "namespace", "Value": None},
                        {"Key": "node-name", "Value": None},
                        {"Key": "pod-name", "Value": None},
                    ],
                    "HostAliases": None,
                    "IngressBandwidth": None,
                    "EgressBandwidth": None,
                    "InstanceType": "N3.2B",
                    "KciType": "RBKCI",
                    "KciMode": "STANDALONE",
                    "ProjectId": 0,
                    "RetainIp": None,
                    "RetainIpHours": None,
                }
            ],
        },
        "fields": dict(PAGED, ContainerGroups=[CONTAINER_GROUP]),
    },
    {
        "action": "DescribeContainerLog",
        "query": "Action=DescribeContainerLog&Version=2020-07-02"
                 "&ContainerGroupId=9f0c0be6-f6fe-4e29-aflaxxxx"
                 "&ContainerName=nginx-container",
        "printed_id": "9f0c0be6-f6fe-4e29-aflaxxxx",
        "response": {"RequestId": "b13fb4bd-9ba8-4369-8c2dxxxx", "Content": "xxxxxxxxxxxxxxxxxxxx"},
        "fields": {"RequestId": str, "Content": str},
    },
    {
        "action": "DeleteContainerGroup",
        "query": "Action=DeleteContainerGroup&Version=2020-07-02"
                 "&ContainerGroupId=9f0c0be6-f6fe-4e29-af1axxxxxx",
        "printed_id": "9f0c0be6-f6fe-4e29-af1axxxxxx",
        "response": {"RequestId": "ecd524dd-7fa8-4e0c-8570xxxxxx"},
        "fields": {"RequestId": str},
    },
    {
        "action": "CreateImageCache",
        "query": "Action=CreateImageCache&Version=2020-07-02"
                 "&ImageCacheName=test-cache"
                 "&SubnetId=f2ac1919-0e34-4812xxxxxx"
                 "&SecurityGroupId=d46c7672-7ca9-4f51xxxxxx"
                 "&Image.l=hub.kce.ksyun.com/ksyun/nginx:latest"
                 "&ImageCacheSize=20"
                 "&RetentionDays=10",
        "method": "POST",
        "response": {"RequestId": "087c16d2-d002-4b37-a479-658dxxxxxx",
                     "ImageCacheId": "118bdf3a-756b-4748-8fd2-545fxxxxxx"},
        "fields": {"RequestId": str, "ImageCacheId": str},
    },
    {
        "action": "DescribeImageCache",
        "query": "Action=DescribeImageCache&Version=2020-07-02"
                 "&ImageCacheId.1=338a3364-aba4-4a4c-bcdf-f641xxxxxx",
        "printed_id": "338a3364-aba4-4a4c-bcdf-f641xxxxxx",
        "response": {
            "RequestId": "338a3364-aba4-4a4c-bcdf-f6410cxxxxxx",
            "MaxResults": 20,
            "Marker": 0,
            "TotalCount": 1,
            "ImageCaches": [
                {
                    "ImageCacheId": "118bdf3a-756b-4748-8fd2-545f30xxxxxx",
                    "ImageCacheName": "test-cache",
                    "Images": ["hub.kce.ksyun.com/ksyun/nginx:latest"],
                    "ExpireTime": "2023-07-12 22:19:07",
                    "CreateTime": "2023-07-02 22:19:07",
                    "Status": "Ready",
                    "SnapshotId": "67522a2f-421e-4b37-b77d-799603xxxxxx",
                    "ImageCacheSize": 20,
                    "Reason": "",
                    "ContainerGroupId": "a1fe7f94-047a-4e8a-a707-687d39xxxxxx",
                }
            ],
        },
        "fields": dict(PAGED, ImageCaches=[IMAGE_CACHE]),
    },
    {
        "action": "DeleteImageCache",
        "query": "Action=DeleteImageCache&Version=2020-07-02"
                 "&ImageCacheId=118bdf3a-756b-4748-8fd2-545f30xxxxxx",
        "printed_id": "118bdf3a-756b-4748-8fd2-545f30xxxxxx",
        "response": {"RequestId": "5c4d17ab-908e-4c24-80fa-c126xxxxxx"},
        "fields": {"RequestId": str},
    },
]
