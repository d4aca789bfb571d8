"""The ansible-core differences the tests meet, in one place, so that every test runs on every core the
collection claims (2.16 to 2.22, scripts/matrix) instead of being skipped on some.

- `patch_module_args`: ansible.module_utils.testing exists from 2.19; before, the arguments are read
  from `basic._ANSIBLE_ARGS`. The result carries `invocation` on every core: 2.21+ returns it only when
  the controller asks (ANSIBLE_INJECT_INVOCATION), as it is asked here.
- `shown`: 2.22+ no longer scrubs a module's output in the module; the module reports the secrets it
  registered (`_ansible_new_secrets`) and the controller masks them wherever they appear. `shown(out)`
  is the module's output as the controller shows it: on 2.22+ the secrets that very result reported are
  masked (a secret the module did not register stays visible); before 2.22, the output as it is.
- `as_logged`: what AnsibleModule.log() writes for a message (2.22+ masks registered secrets there).
- On 2.22+ the secrets a module registers stay registered in its process, and a module reports only
  the ones new to it. A real module run is a process of its own: within `patch_module_args` (one module
  run) no secret is registered at the start, as in a fresh module process.
"""
import contextlib
import json
from unittest import mock

from ansible.module_utils import basic
from ansible.module_utils.common.parameters import PASS_VARS

try:
    from ansible.module_utils.testing import patch_module_args as _patch_module_args  # 2.19+
except ImportError:
    _patch_module_args = None

try:
    from ansible.module_utils import secrets as _secrets  # 2.22+
    from ansible.module_utils._internal import _secrets as _registry
except ImportError:
    _secrets = _registry = None

#: whether this core masks secrets on the controller (2.22+) instead of scrubbing them in the module
MASKS_ON_CONTROLLER = _secrets is not None
MASK = "********"


@contextlib.contextmanager
def patch_module_args(args=None):
    """Expose `args` to the AnsibleModule instances created within this context, on every core."""
    args = dict(args or {})
    if "inject_invocation" in PASS_VARS:
        args.setdefault("_ansible_inject_invocation", True)
    if _patch_module_args is not None:
        with _patch_module_args(args), _fresh_secrets():
            yield
        return
    with mock.patch.object(basic, "_ANSIBLE_ARGS", json.dumps({"ANSIBLE_MODULE_ARGS": args}).encode()):
        yield


def shown(text):
    """A module's output as the controller shows it (see the module docstring)."""
    if not MASKS_ON_CONTROLLER:
        return text
    lines, found = [], set()
    for line in text.split("\n"):
        try:
            result = json.loads(line)
        except ValueError:
            result = None
        if isinstance(result, dict) and "_ansible_new_secrets" in result:
            found.update(result.pop("_ansible_new_secrets"))
            line = json.dumps(result)
        lines.append(line)
    text = "\n".join(lines)
    for secret in sorted(found, key=len, reverse=True):
        for form in (secret, json.dumps(secret)[1:-1]):
            text = text.replace(form, MASK)
    return text


def as_logged(msg):
    """The text AnsibleModule.log() writes for `msg` on this core."""
    return _secrets.mask_secrets(msg) if MASKS_ON_CONTROLLER else msg


@contextlib.contextmanager
def _fresh_secrets():
    """No registered secret within this context, as in a fresh module process (2.22+; a no-op before)."""
    if not MASKS_ON_CONTROLLER:
        yield
        return
    masker = _registry._secret_masker
    with mock.patch.multiple(masker, _matcher=_registry._Fixed4Matcher(), _secrets=set(), _forms=set(), _json_forms={}):
        yield


#: (major, minor) of this ansible-core
CORE = tuple(int(p) for p in __import__("ansible.release").release.__version__.split(".")[:2])
#: ansible-core up to 2.18 wraps warnings at 79 columns (breaking after hyphens too); 2.19+ does not
WRAPS_WARNINGS = CORE < (2, 19)


def unwrapped(stderr):
    """An ansible command's stderr with each warning on one line, as 2.19+ writes it."""
    if not WRAPS_WARNINGS:
        return stderr
    out = []
    in_warning = False
    for line in stderr.split("\n"):
        if in_warning and line.strip() and not line.startswith(("[", "ERROR!")):
            out[-1] += ("" if out[-1].endswith("-") else " ") + line.strip()
            continue
        in_warning = line.startswith(("[WARNING]", "[DEPRECATION WARNING]"))
        out.append(line)
    return "\n".join(out)
