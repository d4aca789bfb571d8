# -*- coding: utf-8 -*-
# Copyright: ksyun.cloud developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""KCR (Kingsoft Cloud Container Registry) API 2018-03-14 on the kce service: one function per action.

This is a private module of the ksyun.cloud collection; it may change without notice.

Reads return the raw answers (CamelCase dicts), whole lists over every page; `find_namespace` and
`find_repository` look one object up by its exact name. Writes return the answer dict and raise
KsyunError. Passwords are sent as parameters only: a KsyunError never carries parameters.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.ksyun.cloud.plugins.module_utils._client import flatten_filters, flatten_list
from ansible_collections.ksyun.cloud.plugins.module_utils._service import Service

SERVICE = "kce"
VERSION = "2018-03-14"
API = Service(SERVICE, VERSION)

REPO_TYPES = ("KSYUN HUB", "DOCKER HUB")

#: the documents: the N of a list parameter (Filter.N, Filter.N.Value.M, ID.N and the like) is 1..100
LIST_MAX = 100

#: The error codes of the two registry-account answers the module must tell apart, because no action
#: reads the account: RegisterRepositoryAccount for an account that is already registered, and
#: ModifyPassword for one that is not. UNVERIFIED against the live API: the documents name no such
#: error; these are the codes the emulator chose (emulator/ksyun_emulator/kcr.py). Any other answer fails the
#: task with the API's own message, so a live API that answers otherwise is seen at once.
ACCOUNT_ANSWERS = {
    "already_registered": "AccountAlreadyRegistered",
    "not_registered": "AccountNotRegistered",
}


def truth(value):
    """A boolean answer field as a bool (``true``/``"true"``/``1``)."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value)


# ------------------------------------------------------------------------------------ reads

def describe_namespaces(client, namespace=None, filters=None):
    """DescribeRepoNamespace: the account's namespaces (filter: public)."""
    params = {"Namespace": namespace}
    params.update(flatten_filters(filters))
    return API.pages(client, "DescribeRepoNamespace", params, "NamespaceSet")


def namespace_exists(client, namespace):
    """RepoNamespaceExist: True when the name is taken (by this account or another one)."""
    return truth(API.read(client, "RepoNamespaceExist", {"Namespace": namespace}).get("Exist"))


def describe_repositories(client, repo_names=None, filters=None):
    """DescribeRepository: the account's repositories (``namespace/name``; filters: public, namespace)."""
    params = flatten_list("RepoName", repo_names)
    params.update(flatten_filters(filters))
    return API.pages(client, "DescribeRepository", params, "RepoSet")


def describe_public_repositories(client, repo_names=None, filters=None):
    """DescribePublicRepository: the Kingsoft Cloud public catalogue (filter: namespace)."""
    params = flatten_list("RepoName", repo_names)
    params.update(flatten_filters(filters))
    return API.pages(client, "DescribePublicRepository", params, "RepoSet")


def describe_tags(client, repo_name=None, filters=None):
    """DescribeTag: the tags of one repository, or without it of all the account's (filter: tag)."""
    params = {"RepoName": repo_name}
    params.update(flatten_filters(filters))
    return API.pages(client, "DescribeTag", params, "TagSet")


def get_favorites(client):
    """GetFavor: the repositories the account marked as favourites."""
    return API.pages(client, "GetFavor", {}, "FavorSet")


def find_namespace(client, namespace):
    """The account's namespace of exactly this name (DescribeRepoNamespace), or None."""
    found = [n for n in describe_namespaces(client, namespace=namespace) if n.get("Namespace") == namespace]
    return found[0] if found else None


def find_repository(client, repo_name):
    """The account's repository of exactly this name (DescribeRepository), or None."""
    found = [r for r in describe_repositories(client, repo_names=[repo_name]) if r.get("RepoName") == repo_name]
    return found[0] if found else None


# ----------------------------------------------------------------------------------- writes

def create_namespace(client, namespace, public, dry_run=False):
    """CreateRepoNamespace."""
    return API.write(client, "CreateRepoNamespace", {"Namespace": namespace, "Public": bool(public)}, dry_run)


def modify_namespace_type(client, namespace, public, dry_run=False):
    """ModifyRepoNamespaceType: make a namespace public or private."""
    return API.write(client, "ModifyRepoNamespaceType", {"Namespace": namespace, "Public": bool(public)}, dry_run)


def delete_namespace(client, namespace, dry_run=False):
    """DeleteRepoNamespace."""
    return API.write(client, "DeleteRepoNamespace", {"Namespace": namespace}, dry_run)


def create_repository(client, repo_name, description=None, dry_run=False):
    """CreateRepository (`repo_name` is ``namespace/repository``)."""
    return API.write(client, "CreateRepository", {"RepoName": repo_name, "Description": description}, dry_run)


def delete_repository(client, repo_name, dry_run=False):
    """DeleteRepository."""
    return API.write(client, "DeleteRepository", {"RepoName": repo_name}, dry_run)


def update_repository_description(client, repo_name, description, dry_run=False):
    """UpdateRepoDesc."""
    return API.write(client, "UpdateRepoDesc", {"RepoName": repo_name, "Description": description}, dry_run)


def delete_tags(client, repo_name, tags, dry_run=False):
    """DeleteTags: ``Tag.N`` of one repository."""
    params = {"RepoName": repo_name}
    params.update(flatten_list("Tag", tags))
    return API.write(client, "DeleteTags", params, dry_run)


def add_favorite(client, repo_name, repo_type, dry_run=False):
    """AddFavor (`repo_type`: ``KSYUN HUB`` or ``DOCKER HUB``)."""
    return API.write(client, "AddFavor", {"RepoName": repo_name, "RepoType": repo_type}, dry_run)


def delete_favorite(client, repo_name, dry_run=False):
    """DeleteFavor."""
    return API.write(client, "DeleteFavor", {"RepoName": repo_name}, dry_run)


def register_account(client, password, dry_run=False):
    """RegisterRepositoryAccount: open the registry account with this password."""
    return API.write(client, "RegisterRepositoryAccount", {"Password": password}, dry_run)


def modify_password(client, password, dry_run=False):
    """ModifyPassword: change the registry password."""
    return API.write(client, "ModifyPassword", {"Password": password}, dry_run)
