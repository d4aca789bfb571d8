# -*- coding: utf-8 -*-
# Copyright: ksyun.cloud developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The base of every ksyun.cloud module: common options, the client, API failures, waiting.

This is a private module of the ksyun.cloud collection; it may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import time
from contextlib import contextmanager

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib
from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible.module_utils.common.validation import check_type_dict

try:
    # ansible-core 2.22+ masks registered secrets (on the controller) instead of scrubbing no_log_values
    from ansible.module_utils.secrets import register_secrets
except ImportError:
    register_secrets = None

from ansible_collections.ksyun.cloud.plugins.module_utils import _client
from ansible_collections.ksyun.cloud.plugins.module_utils._config import (
    ENV_VARS, MAX_RETRIES, TIMEOUT, check_common_options, client_from_params)
from ansible_collections.ksyun.cloud.plugins.module_utils._errors import KsyunError, WaitError

#: set by the collection's action plugins (plugin_utils/_progress.py) for a module they run on the
#: controller: the file a wait appends its progress lines to, which the plugin shows as they come
PROGRESS_ENV = "KSYUN_PROGRESS_FILE"


def common_argument_spec():
    """The options every module takes (documented by the ksyun.cloud.common doc fragment)."""
    return dict(
        access_key=dict(type="str", no_log=False, fallback=(env_fallback, [ENV_VARS["access_key"]])),
        secret_key=dict(type="str", no_log=True, fallback=(env_fallback, [ENV_VARS["secret_key"]])),
        region=dict(type="str", fallback=(env_fallback, [ENV_VARS["region"]])),
        endpoint_url=dict(type="str", fallback=(env_fallback, [ENV_VARS["endpoint_url"]])),
        validate_certs=dict(type="bool", default=True),
        timeout=dict(type="int", default=TIMEOUT),
        max_retries=dict(type="int", default=MAX_RETRIES),
        debug_api_calls=dict(type="bool", default=False),
    )


def snake(obj):
    """camel_dict_to_snake_dict for a dict, each dict of a list, and None (kept)."""
    if obj is None:
        return None
    if isinstance(obj, (list, tuple)):
        return [snake(item) for item in obj]
    if isinstance(obj, dict):
        return camel_dict_to_snake_dict(obj)
    return obj


def filters_from(params, mapping):
    """``{documented filter name: values}`` for ``flatten_filters`` from ``{option: filter name}``.

    An unset or empty option gives None (no Filter.N is sent); a boolean option gives
    ``["true"]``/``["false"]``, the spelling the API documents.
    """
    filters = {}
    for option, name in mapping.items():
        value = params.get(option)
        if isinstance(value, bool):
            value = ["true" if value else "false"]
        filters[name] = value or None
    return filters


def wait(fetch, ready, failed=None, timeout=600, sleep=time.sleep, clock=time.monotonic, interval=5.0,
         growth=1.0, max_interval=None):
    """Poll `fetch()` until `ready(state)`; returns that last state.

    Raises WaitError(reason="failed") as soon as `failed(state)` is true and
    WaitError(reason="timeout") once `timeout` seconds have passed, both with the last state.
    `fetch` is called at least once; sleeps never run past the deadline. The pause between polls
    starts at `interval` and is multiplied by `growth` after each poll, up to `max_interval`.
    """
    start = clock()
    deadline = start + max(0, timeout)
    pause = float(interval)
    while True:
        state = fetch()
        if ready(state):
            return state
        now = clock()
        if failed is not None and failed(state):
            raise WaitError("failed", state, now - start)
        if now >= deadline:
            raise WaitError("timeout", state, now - start)
        sleep(max(0.0, min(pause, deadline - now)))
        pause = pause * growth
        if max_interval is not None:
            pause = min(pause, max_interval)


class _AnsibleModule(AnsibleModule):
    """An AnsibleModule that hides the values `secrets(arguments)` finds from the moment the task's
    arguments are read: a failed argument validation (whose result shows the arguments) and the
    invocation log then hide them too, not only what the module does afterwards.

    It also fails with a message naming the option where ansible-core's validation of suboptions
    does not (`shape_problem`): the value is set aside before that validation and the message replaces
    whatever the validation says, once the no_log values are known."""

    def __init__(self, secrets=None, **kwargs):
        self._find_secrets = secrets
        self._shape_problem = None
        super().__init__(**kwargs)
        if self._shape_problem:
            self.fail_json(msg=self._shape_problem)

    def _load_params(self):
        super()._load_params()
        if self._find_secrets is not None:
            hide(self, secret_texts(self._find_secrets(self.params)))
        self._shape_problem = shape_problem(self.argument_spec, self.params)

    def fail_json(self, msg, **kwargs):
        if self._shape_problem:
            msg = self._shape_problem
        super().fail_json(msg=msg, **kwargs)


def hide(module, texts):
    """Hide these texts from every output of `module`: scrubbed from its result by ansible-core up to
    2.21 (no_log_values), masked by the controller from 2.22 (registered secrets)."""
    module.no_log_values.update(texts)
    if register_secrets is not None:
        register_secrets(texts)


def shape_problem(spec, params, context=()):
    """A message for the first value (at any depth) given where a dict of suboptions is wanted that is
    neither a dict nor a text ansible-core can turn into one, or None; that value is set aside (None, or
    removed from its list).

    There ansible-core (2.19) raises a TypeError on a number or boolean (a traceback), and for any
    other value reports only "dictionary requested, could not parse JSON or key=value" and loses the
    no_log values, so that its failure shows the secrets.
    """
    for name, opt in spec.items():
        sub = opt.get("options")
        wanted = opt.get("type")
        if not sub or not (wanted == "dict" or (wanted == "list" and opt.get("elements") == "dict")):
            continue
        for key in [name] + list(opt.get("aliases") or ()):
            value = params.get(key)
            if value is None:
                continue
            items = value if wanted == "list" and isinstance(value, list) else [value]
            for i, item in enumerate(items):
                if isinstance(item, str):
                    try:
                        item = check_type_dict(item)
                    except TypeError:
                        pass
                if not isinstance(item, dict):
                    problem = ("argument '%s'%s is of type %s and must be a dict of its suboptions (%s)%s"
                               % (name, " found in '%s'" % " -> ".join(context) if context else "",
                                  type(item).__name__, ", ".join(sorted(sub)),
                                  "" if wanted == "dict" else ", or a list of them"))
                else:
                    problem = shape_problem(sub, item, context + (name,))
                if problem:
                    # set aside: an element or value ansible-core cannot read also makes it lose the
                    # no_log values of every option (and show them in its failure)
                    if items is value:
                        del value[i]
                    else:
                        params[key] = None
                    return problem
    return None


def secret_texts(values):
    """The non-empty texts of `values` (numbers as the texts the task's arguments become)."""
    out = set()
    for value in values:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str) and value:
            out.add(value)
    return out


def values_of_keys(value, keys):
    """The values of the dict keys named in `keys`, at any depth of a JSON-like value (any shape:
    it also reads the task's arguments before they are validated)."""
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key in keys:
                found.append(item)
            else:
                found.extend(values_of_keys(item, keys))
    elif isinstance(value, (list, tuple)):
        for item in value:
            found.extend(values_of_keys(item, keys))
    return found


class KsyunModule:
    """An AnsibleModule with the common options, a lazily built client and API-error handling.

    `secrets(arguments)`, when given, returns the secret values inside options that are not no_log
    (pass-through dicts): they are hidden from every output, even of a failed argument validation.
    It gets the task's arguments before validation, so it must accept any shape.
    """

    def __init__(self, argument_spec=None, secrets=None, **kwargs):
        spec = common_argument_spec()
        spec.update(argument_spec or {})
        self.module = _AnsibleModule(argument_spec=spec, secrets=secrets, **kwargs)
        self.params = self.module.params
        if not _client.HAS_REQUESTS:
            self.module.fail_json(msg=missing_required_lib("requests"), exception=_client.REQUESTS_IMPORT_ERROR)
        problem = check_common_options(self.params)
        if problem:
            self.module.fail_json(msg=problem)
        self._client = None
        #: whether the module has changed something so far: a failure after a change reports it
        self.changed = False

    @property
    def client(self):
        if self._client is None:
            try:
                self._client = client_from_params(self.params)
            except ValueError as exc:
                self.module.fail_json(msg=str(exc))
        return self._client

    @property
    def check_mode(self):
        return self.module.check_mode

    def api_calls(self):
        return list(self._client.api_calls) if self._client is not None else []

    def _debug(self, result):
        if self.params.get("debug_api_calls"):
            result["api_calls"] = self.api_calls()
        return result

    def fail(self, msg, **result):
        result.setdefault("changed", self.changed)
        self.module.fail_json(msg=msg, **self._debug(result))

    def fail_error(self, err, **result):
        """Fail the module with a KsyunError: its text as msg, its fields under ``error``."""
        result["error"] = err.to_dict()
        self.fail(str(err), **result)

    @contextmanager
    def fail_on_error(self, **result):
        """Turn a KsyunError raised inside the block into a module failure."""
        try:
            yield
        except KsyunError as err:
            self.fail_error(err, **result)

    def progress(self, line):
        """Report one line of progress of a long wait (shown live by the action plugin, if any)."""
        path = os.environ.get(PROGRESS_ENV)
        if not path:
            return
        try:
            with open(path, "a") as handle:
                handle.write(" ".join(str(line).split()) + "\n")
        except (IOError, OSError):
            pass  # progress is a courtesy: never a reason to fail

    def exit(self, changed=False, **result):
        self.module.exit_json(changed=changed, **self._debug(result))

    def wait(self, fetch, ready, failed=None, timeout=600, what="the resource", describe=None, **kwargs):
        """wait() that fails the module (with the last state under ``state``) instead of raising.

        `describe(last state)`, when given, is appended to the failure message.
        """
        try:
            return wait(fetch, ready, failed=failed, timeout=timeout, **kwargs)
        except WaitError as err:
            msg = "%s %s" % (what, err.message)
            if describe is not None:
                msg += ": " + describe(err.state)
            self.fail(msg, state=err.state, wait_reason=err.reason)
        except KsyunError as err:
            self.fail_error(err)
