# -*- coding: utf-8 -*-
# Copyright: ksyun.cloud developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # Modules: the common options of every ksyun.cloud module
    DOCUMENTATION = r"""
options:
  access_key:
    description:
      - The Kingsoft Cloud access key id.
      - If not set, the value of the E(KSYUN_ACCESS_KEY) environment variable is used.
      - Required, from the task or from the environment; the module fails before any API call without it.
    type: str
  secret_key:
    description:
      - The secret access key that goes with O(access_key).
      - If not set, the value of the E(KSYUN_SECRET_KEY) environment variable is used.
      - Required, from the task or from the environment. Never logged nor returned.
    type: str
  region:
    description:
      - The region to work in, for example V(cn-beijing-6), V(cn-shanghai-2) or V(eu-east-1).
      - If not set, the value of the E(KSYUN_REGION) environment variable is used.
      - Required, from the task or from the environment. It is part of every request's signature.
    type: str
  endpoint_url:
    description:
      - The URL every API request is sent to, instead of C(https://<service>.<region>.api.ksyun.com)
        (C(kce) for KCE and KCR, C(kci) for KCI).
      - Every service is sent to this one URL, after replacing C({service}) in it by C(kce) or C(kci)
        and C({region}) by O(region); C(https://{service}.api.ksyun.com) selects the region-less hosts.
      - Use it for the region-less hosts, a proxy or a test emulator.
      - If not set, the value of the E(KSYUN_ENDPOINT_URL) environment variable is used.
    type: str
  validate_certs:
    description:
      - Whether to verify the TLS certificate of the API endpoint.
      - Only set to V(false) against a test endpoint you trust.
    type: bool
    default: true
  timeout:
    description:
      - The read timeout of each HTTP request, in seconds (the connect timeout is this or 10
        seconds, whichever is lower).
      - A write that got no answer within it (or the API's C(ServiceTimeout)) may still be carried
        out by the API; the module reads the state again for as long, and never sends that write
        again, since a second one could make a duplicate. When its effect does not show by then, the
        task fails saying so; running it again continues from what it finds.
      - At least 1 (checked before any API call).
    type: int
    default: 30
  max_retries:
    description:
      - How many times a failed request is retried, with jittered exponential back-off.
      - Reads are retried on throttling (HTTP 409 C(LimitExceeded)), server errors (HTTP 5xx),
        timeouts and lost connections.
      - Writes are only retried when they cannot have run (throttled, or no connection could be
        made); after any other failure of a write the module reads the state again instead.
      - V(0) disables retries; a negative value fails before any API call.
    type: int
    default: 5
  debug_api_calls:
    description:
      - Return the API actions made, in order and retries included, as RV(ignore:api_calls).
      - Useful to write a least-privilege access policy.
    type: bool
    default: false
requirements:
  - python >= 3.8
  - requests >= 2.25
notes:
  - Requests are signed with AWS4-HMAC-SHA256 (service C(kce) or C(kci)) as the Kingsoft Cloud
    OpenAPI documents describe.
"""

    # Inventory and other controller-side plugins: the same options, with their environment variables
    PLUGINS = r"""
options:
  access_key:
    description:
      - The Kingsoft Cloud access key id.
    type: str
    env:
      - name: KSYUN_ACCESS_KEY
  secret_key:
    description:
      - The secret access key that goes with O(access_key). Never logged.
      - ansible-core 2.22 and later also mask it wherever it would appear (C(secret)); older cores ignore that key.
    type: str
    secret: true
    env:
      - name: KSYUN_SECRET_KEY
  region:
    description:
      - The region to work in, for example V(cn-beijing-6), V(cn-shanghai-2) or V(eu-east-1).
    type: str
    env:
      - name: KSYUN_REGION
  endpoint_url:
    description:
      - The URL every API request is sent to, instead of C(https://<service>.<region>.api.ksyun.com).
      - C({service}) in it is replaced by C(kce) or C(kci) and C({region}) by the region;
        C(https://{service}.api.ksyun.com) selects the region-less hosts.
    type: str
    env:
      - name: KSYUN_ENDPOINT_URL
  validate_certs:
    description:
      - Whether to verify the TLS certificate of the API endpoint.
    type: bool
    default: true
    env:
      - name: KSYUN_VALIDATE_CERTS
  timeout:
    description:
      - The read timeout of each HTTP request, in seconds, at least 1.
    type: int
    default: 30
    env:
      - name: KSYUN_TIMEOUT
  max_retries:
    description:
      - How many times a failed read is retried (throttling, server errors, timeouts, lost
        connections), with jittered exponential back-off. V(0) disables retries; not negative.
    type: int
    default: 5
    env:
      - name: KSYUN_MAX_RETRIES
  debug_api_calls:
    description:
      - Log the API actions made (at verbosity 3 and above).
    type: bool
    default: false
requirements:
  - python >= 3.8
  - requests >= 2.25
"""
