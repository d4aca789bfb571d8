# -*- coding: utf-8 -*-
# Copyright: ksyun.cloud developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The configuration of the OpenAPI client (``_client``): the common options, their environment
variables, their checks and the client built from them.

This is a private module of the ksyun.cloud collection; it may change without notice.

Modules (``_module.KsyunModule``) and the kce inventory plugin both check their options with
`check_common_options` and build their clients with `client_from_params`; the options are documented
by the ksyun.cloud.common doc fragment.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.ksyun.cloud.plugins.module_utils import _client

#: option -> environment variable of the options that have one
ENV_VARS = {
    "access_key": "KSYUN_ACCESS_KEY",
    "secret_key": "KSYUN_SECRET_KEY",
    "region": "KSYUN_REGION",
    "endpoint_url": "KSYUN_ENDPOINT_URL",
}

#: options without which no API call can be made
REQUIRED = ("access_key", "secret_key", "region")

#: the options a client is built from
CLIENT_OPTIONS = ("access_key", "secret_key", "region", "endpoint_url", "validate_certs", "timeout", "max_retries")

#: the defaults of `timeout` (seconds) and `max_retries`
TIMEOUT = 30
MAX_RETRIES = 5


def check_common_options(params, where="the task"):
    """A message for missing or out-of-range common options, or None (no API call needed).

    `where` names the place the options are set (an inventory plugin says "the inventory file").
    """
    for name in REQUIRED:
        value = params.get(name)
        if value is None or not str(value).strip():
            return f"missing required option {name}: set it in {where} or in the {ENV_VARS[name]} environment variable"
    endpoint = params.get("endpoint_url")
    if endpoint and not (endpoint.startswith("http://") or endpoint.startswith("https://")):
        return f"endpoint_url must start with http:// or https://, got {endpoint}"
    if params.get("timeout") is not None and params["timeout"] < 1:
        return "timeout must be at least 1 second, got %d" % params["timeout"]
    if params.get("max_retries") is not None and params["max_retries"] < 0:
        return "max_retries must not be negative, got %d" % params["max_retries"]
    # the waiting modules' option (ksyun.cloud.wait doc fragment)
    if params.get("wait_timeout") is not None and params["wait_timeout"] < 0:
        return "wait_timeout must not be negative (seconds; 0 checks once), got %d" % params["wait_timeout"]
    return None


def client_from_params(params, **kwargs):
    """A Client built from the common options (already checked); `kwargs` go to the Client.

    Raises ValueError for an endpoint_url without a host (`_client.endpoint_problem`)."""
    return _client.Client(
        params["access_key"].strip(), params["secret_key"], params["region"].strip(),
        endpoint_url=params.get("endpoint_url") or None,
        validate_certs=params.get("validate_certs", True),
        timeout=params.get("timeout") or TIMEOUT,
        max_retries=params.get("max_retries") if params.get("max_retries") is not None else MAX_RETRIES,
        **kwargs)
