"""The KCR (2018-03-14) request/response examples printed in 000_1e17e97fad289c1f.txt.

`query` is the printed request (the part after `?`, printed line breaks joined with `&`), kept
exactly as printed; the only change the replay applies is the documented placeholder password
(`Password=xxxxxx`, see the spec README errata), in `PLACEHOLDERS`.  `response` is the printed
answer, re-assembled where the print splits it across a page break (DescribeRepoNamespace,
DescribeRepository, DescribePublicRepository, DescribeTag, GetFavor); its field names and value
types are what the replay checks.  `fields` lists the response table's field names and types.

Order matters: the examples are replayed in this order against one account, with the set-up named
in `setup` done first (see test_kcr_examples.py).
"""

#: printed placeholder -> a value following the documented rule (8-32, two character classes)
PLACEHOLDERS = {"Password=xxxxxx": "Password=Replay-Passw0rd"}

NAMESPACE_SET = {"Namespace": str, "Public": bool, "RepoCount": int, "ChartCount": int, "CreateTime": str}
REPO_SET = {"RepoName": str, "Public": bool, "FavorCount": int, "PullCount": int, "Description": str,
            "CreateTime": str}
# TagSet table says SizeByte is a String; the printed example (a captured answer) has a number.
TAG_SET = {"RepoName": str, "TagName": str, "ImageId": str, "SizeByte": (int, str), "Author": str,
           "DockerVersion": str, "Architecture": str, "Os": str, "CreateTime": str}
FAVOR_SET = {"RepoName": str, "RepoType": str, "CreateTime": str}
PAGED = {"RequestId": str, "MaxResults": int, "Marker": int, "TotalCount": int}

EXAMPLES = [
    {
        "action": "CreateRepoNamespace",
        "query": "Action=CreateRepoNamespace&Version=2018-03-14&Namespace=my-namespace&Public=false",
        "response": {"RequestId": "7b23a78b-7eeb-4b4f-8b1d-133b6d5f6e35"},
        "fields": {"RequestId": str},
    },
    {
        "action": "DescribeRepoNamespace",
        "query": "Action=DescribeRepoNamespace&Version=2018-03-14",
        "response": {
            "RequestId": "ea2e2be8-0f55-42fd-967d-e5dea6304f16",
            "Marker": 0,
            "MaxResults": 20,
            "TotalCount": 6,
            "NamespaceSet": [
                {"Namespace": "helm", "Public": True, "RepoCount": 1, "ChartCount": 3,
                 "CreateTime": "2019-01-16 18:29:31"},
                {"Namespace": "helmtest", "Public": True, "RepoCount": 0, "ChartCount": 3,
                 "CreateTime": "2019-07-23 02:19:49"},
                {"Namespace": "k8stest", "Public": False, "RepoCount": 1, "ChartCount": 1,
                 "CreateTime": "2018-12-28 08:10:11"},
                {"Namespace": "kingsoft", "Public": True, "RepoCount": 4, "ChartCount": 0,
                 "CreateTime": "2018-10-23 00:58:43"},
                {"Namespace": "my-namespace", "Public": False, "RepoCount": 0, "ChartCount": 0,
                 "CreateTime": "2019-09-11 21:27:45"},
                {"Namespace": "namespace", "Public": True, "RepoCount": 2, "ChartCount": 2,
                 "CreateTime": "2018-07-20 17:19:19"},
            ],
        },
        "fields": dict(PAGED, NamespaceSet=[NAMESPACE_SET]),
    },
    {
        "action": "ModifyRepoNamespaceType",
        "query": "Action=ModifyRepoNamespaceType&Version=2018-03-14&Namespace=my-namespace&Public=true",
        "response": {"RequestId": "f3ecc966-1066-469b-96cd-4b64bb15985c"},
        "fields": {"RequestId": str},
    },
    {
        "action": "RepoNamespaceExist",
        "query": "Action=RepoNamespaceExist&Version=2018-03-14&Namespace=my-namespace",
        "response": {"RequestId": "1b764984-cd48-43ab-9516-4afb3d0ee1df", "Exist": True},
        "fields": {"RequestId": str, "Exist": bool},
    },
    {
        "action": "CreateRepository",
        "query": "Action=CreateRepository&Version=2018-03-14&RepoName=my-namespace/my-repo&Description=test",
        "response": {"RequestId": "49be3bf2-837f-427e-b37f-80b340e6442f"},
        "fields": {"RequestId": str},
    },
    {
        "action": "DescribeRepository",
        "query": "Action=DescribeRepository&Version=2018-03-14&RepoName.1=my-namespace/my-repo",
        "response": {
            "RequestId": "84192d55-3377-4524-a7c4-df99b668efe3",
            "Marker": 0,
            "MaxResults": 20,
            "TotalCount": 1,
            "RepoSet": [
                {"RepoName": "my-namespace/my-repo", "Public": False, "FavorCount": 0, "PullCount": 0,
                 "Description": "test", "CreateTime": "2019-09-11 21:46:02"},
            ],
        },
        "fields": dict(PAGED, RepoSet=[REPO_SET]),
    },
    {
        "action": "DescribePublicRepository",
        "query": "Action=DescribePublicRepository&Version=2018-03-14&Marker=0&MaxResults=10",
        "response": {
            "RequestId": "437636a6-d1a5-401b-a350-75a3dd33442d",
            "Marker": 10,
            "MaxResults": 10,
            "TotalCount": 155,
            "RepoSet": [
                {"RepoName": "ksyun/pusher-arm64", "Public": True, "FavorCount": 0, "PullCount": 1,
                 "Description": "", "CreateTime": "2019-09-03 01:12:47"},
                {"RepoName": "ksyun/pusher-amd64", "Public": True, "FavorCount": 0, "PullCount": 3,
                 "Description": "", "CreateTime": "2019-09-03 01:09:53"},
                {"RepoName": "ksyun/gitdemo", "Public": True, "FavorCount": 0, "PullCount": 1,
                 "Description": "", "CreateTime": "2019-08-29 05:01:59"},
                {"RepoName": "ksyun/myapp", "Public": True, "FavorCount": 0, "PullCount": 0,
                 "Description": "", "CreateTime": "2019-08-28 22:58:18"},
                {"RepoName": "ksyun/fluentd-watcher", "Public": True, "FavorCount": 0, "PullCount": 56,
                 "Description": "", "CreateTime": "2019-08-28 01:53:42"},
                {"RepoName": "ksyun/user-service", "Public": True, "FavorCount": 0, "PullCount": 29,
                 "Description": "", "CreateTime": "2019-08-25 03:24:53"},
                {"RepoName": "ksyun/inventory-service", "Public": True, "FavorCount": 0, "PullCount": 19,
                 "Description": "", "CreateTime": "2019-08-25 03:24:16"},
                {"RepoName": "ksyun/discovery-service", "Public": True, "FavorCount": 0, "PullCount": 10,
                 "Description": "", "CreateTime": "2019-08-25 03:23:48"},
                {"RepoName": "ksyun/config-service", "Public": True, "FavorCount": 0, "PullCount": 10,
                 "Description": "", "CreateTime": "2019-08-25 03:23:39"},
                {"RepoName": "ksyun/catalog-service", "Public": True, "FavorCount": 0, "PullCount": 20,
                 "Description": "", "CreateTime": "2019-08-25 03:23:32"},
            ],
        },
        "fields": dict(PAGED, RepoSet=[REPO_SET]),
        "exact": True,   # the public catalogue is seeded from this very print
    },
    {
        "action": "UpdateRepoDesc",
        "query": "Action=UpdateRepoDesc&Version=2018-03-14&RepoName=my-namespace/my-repo&Description=This is a test Repo",
        "response": {"RequestId": "02ab6b7c-21e0-44f8-9927-c730d05bea52"},
        "fields": {"RequestId": str},
    },
    {
        "action": "DescribeTag",
        "query": "Action=DescribeTag&Version=2018-03-14&RepoName=my-namespace/my-repo",
        "setup": "push the two printed tags into my-namespace/my-repo",
        "response": {
            "RequestId": "91e48fb8-0304-4be4-bcb9-884ad05511ca",
            "Marker": 0,
            "MaxResults": 20,
            "TotalCount": 2,
            "TagSet": [
                {"RepoName": "my-namespace/my-repo", "TagName": "1.9.1",
                 "ImageId": "sha256:a42a428525996f3a84d466ee628a074cac568e0e8c99b5d6f7398be342337039",
                 "CreateTime": "2019-09-11 23:21:26", "SizeByte": 55914538,
                 "Author": "NGINX Docker Maintainers `docker-maint@nginx.com`", "DockerVersion": "1.6.0",
                 "Architecture": "amd64", "Os": "linux"},
                {"RepoName": "my-namespace/my-repo", "TagName": "latest",
                 "ImageId": "sha256:a42a428525996f3a84d466ee628a074cac568e0e8c99b5d6f7398be342337039",
                 "CreateTime": "2019-09-11 23:20:27", "SizeByte": 55914538,
                 "Author": "NGINX Docker Maintainers `docker-maint@nginx.com`", "DockerVersion": "1.6.0",
                 "Architecture": "amd64", "Os": "linux"},
            ],
        },
        "fields": dict(PAGED, TagSet=[TAG_SET]),
    },
    {
        "action": "DeleteTags",
        "query": "Action=DeleteTags&Version=2018-03-14&RepoName=my-namespace/my-repo&Tag.1=latest",
        "response": {"RequestId": "10415971-69aa-4ba5-9cfa-f3223e88ebcc"},
        "fields": {"RequestId": str},
    },
    {
        "action": "AddFavor",
        "query": "Action=AddFavor&Version=2018-03-14&RepoName=openshift/origin-service-catalog&RepoType=KSYUN HUB",
        "response": {"RequestId": "f260afc1-ed05-43c7-91dd-cb20aadea959"},
        "fields": {"RequestId": str},
    },
    {
        "action": "GetFavor",
        "query": "Action=GetFavor&Version=2018-03-14",
        "setup": "add the seven printed favourites",
        "response": {
            "RequestId": "3ca7c5eb-c042-4f69-afb8-2c2fff8131e7",
            "Marker": 0,
            "MaxResults": 20,
            "TotalCount": 7,
            "FavorSet": [
                {"RepoName": "ksyun/dns/k8s-dns-dnsmasq-nanny-amd64", "RepoType": "KSYUN HUB",
                 "CreateTime": "2018-10-16 19:33:28"},
                {"RepoName": "ksyun/nginx", "RepoType": "KSYUN HUB", "CreateTime": "2019-02-27 18:28:57"},
                {"RepoName": "ksyun/springboot-demo", "RepoType": "KSYUN HUB", "CreateTime": "2018-10-16 19:33:27"},
                {"RepoName": "library/alpine", "RepoType": "DOCKER HUB", "CreateTime": "2018-07-25 05:51:13"},
                {"RepoName": "library/node", "RepoType": "DOCKER HUB", "CreateTime": "2018-07-25 05:51:16"},
                {"RepoName": "library/redis", "RepoType": "DOCKER HUB", "CreateTime": "2018-07-25 05:51:15"},
                {"RepoName": "library/ubuntu", "RepoType": "DOCKER HUB", "CreateTime": "2018-07-25 05:51:14"},
            ],
        },
        "fields": dict(PAGED, FavorSet=[FAVOR_SET]),
    },
    {
        "action": "DeleteFavor",
        "query": "Action=DeleteFavor&Version=2018-03-14&RepoName=openshift/origin-service-catalog",
        "response": {"RequestId": "44477465-2952-4a1a-aad4-2d5f6b14b571"},
        "fields": {"RequestId": str},
    },
    {
        "action": "DeleteRepository",
        "query": "Action=DeleteRepository&Version=2018-03-14&RepoName=my-namespace/my-repo",
        "response": {"RequestId": "8678dd4b-26cf-4e94-ae0-4c4bfc57324d"},
        "fields": {"RequestId": str},
    },
    {
        "action": "DeleteRepoNamespace",
        "query": "Action=DeleteRepoNamespace&Version=2018-03-14&Namespace=my-namespace",
        "response": {"RequestId": "49be3bf2-837f-427e-b37f-80b340e6442f"},
        "fields": {"RequestId": str},
    },
    {
        "action": "RegisterRepositoryAccount",
        "query": "Action=RegisterRepositoryAccount&Version=2018-03-14&Password=xxxxxx",
        "method": "POST",
        "response": {"RequestId": "fccd606c-66db-4a63-9a98-adbc76780627"},
        "fields": {"RequestId": str},
    },
    {
        "action": "ModifyPassword",
        "query": "Action=ModifyPassword&Version=2018-03-14&Password=xxxxxx",
        "method": "POST",
        "response": {"RequestId": "fccd606c-66db-4a63-9a98-adbc76780627"},
        "fields": {"RequestId": str},
    },
]

#: the seven favourites of the GetFavor print, as (RepoName, RepoType)
PRINTED_FAVOURITES = [(f["RepoName"], f["RepoType"]) for f in EXAMPLES[11]["response"]["FavorSet"]]
#: the two tags of the DescribeTag print
PRINTED_TAGS = EXAMPLES[8]["response"]["TagSet"]
