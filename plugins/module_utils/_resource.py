# -*- coding: utf-8 -*-
# Copyright: ksyun.cloud developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The base of every resource module: a toolbox, and the present/absent flow of single objects on it.

This is a private module of the ksyun.cloud collection; it may change without notice.

Two shapes, on purpose (hetzner.hcloud's `_base.py` is a toolbox too):

- `KsyunToolbox`, which every module uses: check-mode-safe `write()` with lost-answer re-reads,
  deadline waits with progress (`wait_for()`), "did the task set this option" (`param_is_defined()`,
  `defined()`), secrets hidden from every output (`hide()`), the diff and the result (`exit()`). A
  module whose work is not one object (kcr_tag: several tags; kce_node: a group of nodes; kcr_account:
  an account; kce_kubeconfig: a file) implements `apply()` on it.
- `KsyunResource` (and `NamedResource`), the flow of a single object on the toolbox, below.

A single-object module is one small class on `KsyunResource` and a short main()::

    class KcrRepository(KsyunResource):
        represent = "repository"              # the result key
        argument_spec = dict(name=..., description=..., state=...)
        mutable = ("description",)            # options the API can change in place

        def get(self): ...                    # the raw API object (CamelCase dict) or None; reads only
        def view(self, raw): ...              # {option: value} the module manages, read from an API object
        def wanted(self): ...                 # {option: value} the task asks for (options it set)
        def before_create(self): ...          # reads/checks a create needs (check mode too)
        def create(self): ...                 # send the create; returns the new object's id
        def find_created(self): ...           # after a create whose answer was lost: that id, or None
        def update(self, current, changes): ...   # send `changes` ({option: (have, want)})
        def before_delete(self, current): ...     # reads/checks a delete needs (check mode too)
        def delete(self, current): ...

    def main():
        KcrRepository.run_module()

`run()`: `validate()` (local checks: bad input fails before any API call) → `get()` → for
``state=present`` a create when there is nothing, otherwise `wanted()` compared with `view(current)`:
differing `mutable` options are updated, any other difference goes to `immutable_changed()` (fail
naming each option with both values, or delete and create again with ``recreate=true`` when the class
sets `recreatable`), and the `unreadable` options the task sets get a warning naming them → with ``wait``, `ready()` / `failed()` polled until the deadline; for
``state=absent`` a `delete()` unless `deleting()` already, then a wait until `get()` is None.

Check mode sends no write at all: every write goes through `write()`, which refuses to run in check
mode; the result and the diff are predicted from the reads (`after` = the current view with the
wanted options applied). Diff mode returns ``before``/``after`` of `view()`; secrets must not be in
a view (`mask()`); `secret_values()` names the secrets inside pass-through options, hidden from
every output from the start (a failed argument validation too), and `hide()` scrubs a value found
later (an answer's) from every output of the module.

A write whose answer may have been lost (`KsyunError.maybe_applied`) is never simply repeated:
`write(send, reread)` re-reads; when the write took effect the module continues from what it finds,
and only when the re-reads show that it did not is it sent again (at most `RESENDS` times). A write
that timed out may still be running on the server: it is re-read for ``timeout`` seconds (with
``wait``: ``wait_timeout`` seconds) and never sent again (a second one could make a duplicate); the
task fails saying so and how long it may still take. A delete is safe to repeat (``repeatable``): it
is re-read, and sent again while the resource is still there and not being deleted. `changed` says
what happened: a write the API refused (an error answer, not `maybe_applied`) changed nothing.

Racing runs (two runs of the same task at once): a create the API refuses is re-read, and when the
resource exists now (a racing run made it, e.g. KCR's "already exists") the task continues from it
(``reconciled`` in the result). Names that the API does not keep unique (`NamedResource`) are
re-read after a create: when several objects of the name are live, every run picks the same
survivor (`survivor()`: the oldest creation time, then the smallest id); a run whose own object is
not the survivor deletes that object (only an object whose id its own create answer returned) and
continues with the survivor, saying so in ``reconciled``. A run that made nothing and finds several
live objects of the name re-reads for `SETTLE_OTHERS` seconds while racing runs remove theirs, and
only then fails listing them.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re
import time
from datetime import datetime, timedelta

from ansible_collections.ksyun.cloud.plugins.module_utils._compare import differences
from ansible_collections.ksyun.cloud.plugins.module_utils._errors import KsyunError
from ansible_collections.ksyun.cloud.plugins.module_utils import _module
from ansible_collections.ksyun.cloud.plugins.module_utils._module import KsyunModule, snake

#: how often a write whose answer was lost, and whose effect the re-reads do not show, is sent again
RESENDS = 2
#: re-reads (and the pause between them, seconds) before concluding that a lost write did not apply
#: (a read right after a write may not show it yet)
REREADS = 3
REREAD_PAUSE = 1.0
#: failures after which the server may still be carrying a write out, so it may take effect later: the
#: client stopped waiting for the answer (its ReadTimeout), or the API's documented ServiceTimeout
#: ("Internal Service is unavailable because of time out"). Such a write is never sent again.
STILL_RUNNING = ("ReadTimeout", "ServiceTimeout")
#: a write safe to repeat (a delete) whose effect the re-reads do not show: how often it is sent again
REPEATS = 5
#: after a create of a name the API does not keep unique: the pause (seconds) before the name is read
#: again for racing creates. Two creates with the same creation time (a time in seconds) land within a
#: second of each other, so a read 2 s after this run's answer sees both.
SETTLE = 2.0
#: several live objects of the name whose creation times are all within RACE_WINDOW seconds of the
#: oldest were made by racing runs (each run that made one and lost deletes its own): a run takes the
#: survivor. Objects further apart are duplicates made on purpose (or by a run that died): the task
#: fails listing them.
RACE_WINDOW = 120
#: polling of waits: the first pause (seconds), its growth per poll, and its cap
POLL_START, POLL_GROWTH, POLL_MAX = 1.0, 1.5, 5.0
MASK = "********"


def wait_options(timeout):
    """The `wait` / `wait_timeout` options (documented by the ksyun.cloud.wait doc fragment)."""
    return dict(wait=dict(type="bool", default=True), wait_timeout=dict(type="int", default=timeout))


def state_option(*choices):
    return dict(state=dict(type="str", default=choices[0] if choices else "present",
                           choices=list(choices or ("present", "absent"))))


def mask(value, keys):
    """A copy of a JSON-like value with the values of dict keys named in `keys` replaced by MASK."""
    if isinstance(value, dict):
        return {k: MASK if k in keys and v is not None else mask(v, keys) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask(v, keys) for v in value]
    return value


def show(value):
    """A value as written in messages: JSON text (strings quoted, None as null)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


_TIME = re.compile(r"(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.(\d+))?\s*(Z|[+-]\d\d:?\d\d)?$")


def creation_time(text):
    """A creation time as the APIs write it ('2019-09-10T10:56:13+08:00', '2019-09-10T15:22:43Z',
    '2021-05-12 12:00:00') as a naive UTC datetime (no offset: taken as written), or None."""
    match = _TIME.match((text or "").strip()) if isinstance(text, str) else None
    if match is None:
        return None
    parts = [int(x) for x in match.groups()[:6]]
    when = datetime(*parts)
    if match.group(7):
        when += timedelta(microseconds=int(match.group(7)[:6].ljust(6, "0")))
    offset = match.group(8)
    if offset and offset != "Z":
        sign = -1 if offset[0] == "-" else 1
        digits = offset[1:].replace(":", "")
        when -= sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return when


def survivor(objects, ident, created="CreateTime"):
    """Of several objects of one name (made by racing runs), the one every run keeps: the oldest
    creation time, then the smallest id. Every run computes the same answer from the same objects;
    an object without a readable creation time counts as the newest."""
    def key(raw):
        when = creation_time(raw.get(created))
        return (when is None, when or datetime.min, str(ident(raw)))
    return min(objects, key=key)


class KsyunToolbox(object):
    """The toolbox every module of the collection builds on (hetzner.hcloud's `_base.py` shape): the
    module and its client, "did the task set this option" (`param_is_defined()`), check-mode-safe
    writes that re-read a lost answer (`write()`), deadline waits with progress (`wait_for()`), secrets
    hidden from every output (`hide()`), the diff and the result (`exit()`).

    A module on the toolbox alone (its own flow: several objects, a file, an account) implements
    `apply()`: it returns what the result holds under `represent` (none when `represent` is None),
    and fills `before` / `after` (the diff) and `result` (further keys); a KsyunError it raises fails
    the task with `so_far()` in the result. Single objects use `KsyunResource`, the present/absent
    flow on this toolbox.
    """

    #: the result key holding the resource (e.g. "cluster"); None: no such key
    represent = None
    #: what the resource is called in messages (default: `represent` with spaces)
    label = None
    #: the module's own options (the common ones are added); AnsibleModule keyword arguments
    argument_spec = {}
    module_kwargs = {}

    def __init__(self, module):
        self.m = module
        self.module = module.module
        self.params = module.params
        self.resource_id = None   # set once known (found or created): get() should use it
        self.before = None
        self.after = None
        self.result = {}
        self.refused = None       # the error of the last write that was refused but whose effect is there

    # ------------------------------------------------------------------ building and running
    @classmethod
    def build(cls):
        """The KsyunModule of this resource (common options + `argument_spec`, check mode on)."""
        return KsyunModule(argument_spec=dict(cls.argument_spec), supports_check_mode=True,
                           secrets=cls.secret_values, **dict(cls.module_kwargs))

    @classmethod
    def run_module(cls):
        module = cls.build()
        cls(module).run()

    def run(self):
        problem = self.validate()
        if problem:
            self.fail(problem)
        try:
            final = self.apply()
        except KsyunError as err:
            self.m.fail_error(err, **self.so_far())
        self.exit(final, **self.so_far())

    # ------------------------------------------------------------------ hooks (override)
    @staticmethod
    def secret_values(arguments):
        """The secrets inside options that are not no_log (pass-through dicts), read from the task's
        arguments before they are validated (so any shape): hidden from every output from the start."""
        return ()

    def validate(self):
        """A message for invalid options (checked before any API call), or None."""
        return None

    def apply(self):
        """Do what the task asks (its options valid); returns what the result holds under `represent`."""
        raise NotImplementedError

    def so_far(self):
        """Further result keys saying what the run did so far: in the result, a failed one too."""
        return {}

    def ident(self, raw):
        """The id of an API object."""
        raise NotImplementedError

    def to_dict(self, raw):
        """The returned resource: snake_case keys of the API fields, as the `_info` twin returns them."""
        return snake(raw)

    def status(self, raw):
        """The status shown in wait messages."""
        return None

    def detail(self, raw):
        """What the wait messages add about the last state (a failure reason...), or None."""
        return None

    # ------------------------------------------------------------------ helpers for modules
    def param_is_defined(self, option):
        """Whether the task sets `option`: the one answer to "did the user set this option". An option
        without a default that the task leaves out (or sets to null, or omits) is None after validation."""
        return self.params.get(option) is not None

    def defined(self, *options):
        """{option: value} of those of `options` the task sets."""
        return {o: self.params[o] for o in options if self.param_is_defined(o)}

    @property
    def changed(self):
        """Whether the task changed something (kept by the KsyunModule, so a later failure reports it)."""
        return self.m.changed

    @changed.setter
    def changed(self, value):
        self.m.changed = bool(value)

    @property
    def check_mode(self):
        return self.m.check_mode

    @property
    def client(self):
        return self.m.client

    def name(self):
        return self.label or (self.represent or "resource").replace("_", " ")

    def what(self, raw=None):
        """'cluster b12d…' (or 'cluster' when there is no id yet) for messages."""
        ident = self.resource_id or (self.ident(raw) if raw is not None else None)
        return "%s %s" % (self.name(), ident) if ident else self.name()

    def fail(self, msg, **result):
        self.m.fail(msg, **result)

    def hide(self, *values):
        """Scrub these values (secrets that are not no_log options) from every output of the module."""
        _module.hide(self.module, [value for value in values if isinstance(value, str) and value])

    def write(self, send, reread=None, repeatable=False, refused=False):
        """Send one write and return what `send()` returns; `changed` becomes true when it succeeded
        or may have been applied (an error answer, not `maybe_applied`, changed nothing).

        When the answer may have been lost (a KsyunError with `maybe_applied`), `reread()` decides:
        it returns what `send()` would have returned when the write took effect, or None when it did
        not; the write is sent again only after REREADS re-reads all showed no effect, at most RESENDS
        times (REPEATS for a `repeatable` write). A write that may still be running on the server
        (STILL_RUNNING) and is not `repeatable` is re-read for ``timeout`` seconds (with ``wait``,
        ``wait_timeout``), and never sent again: without an effect by then, the failure is raised
        saying so and how long it may still take. With `refused`, an error answer is re-read too:
        when `reread()` shows the effect (a racing run did it), that is returned. Without `reread`,
        such a failure is raised (the caller re-reads afterwards). Never runs in check mode.
        """
        if self.check_mode:
            self.fail("internal error: a write was attempted in check mode (nothing was sent)")
        attempt = 0
        sent = time.monotonic()
        self.refused = None
        while True:
            try:
                value = send()
                self.changed = True
                return value
            except KsyunError as err:
                if err.maybe_applied:
                    self.changed = True     # it may have been applied: a failed result says so
                if reread is None:
                    raise
                if not err.maybe_applied:
                    found = reread() if refused else None
                    if found is None:
                        raise
                    self.refused = err     # it did not apply: what is there now is not this write's
                    return found
                running = err.code in STILL_RUNNING and not repeatable
                # the server may still be carrying it out: it gets as long again as it had to answer,
                # and with wait=true as long as the user agreed to wait
                patience = (self.params.get("timeout") or 30) if running else 0
                if running and self.params.get("wait"):
                    patience = max(patience, self.params.get("wait_timeout") or 0)
                until = time.monotonic() + patience
                looks = 0
                while True:
                    found = reread()
                    if found is not None:
                        return found
                    looks += 1
                    if looks >= REREADS and time.monotonic() >= until:
                        break
                    time.sleep(REREAD_PAUSE)
                if running:
                    waited = int(round(time.monotonic() - sent))
                    raise KsyunError(err.code, "%s; re-read for %d s, it shows no effect yet, and it was not sent "
                                     "again: the server may still carry it out. The API states no limit on how "
                                     "long that may take: allow it at least %d s more (as long as it has had) "
                                     "before running the task again; a run started before it lands can make a "
                                     "duplicate, which a later run reports. A re-run continues from what it finds"
                                     % (err.message, patience, max(waited, patience)), status=err.status,
                                     request_id=err.request_id, action=err.action, error_type=err.error_type,
                                     maybe_applied=True, attempts=err.attempts)
                if attempt >= (REPEATS if repeatable else RESENDS):
                    raise
                attempt += 1

    def wait_for(self, fetch, ready, failed=None, what=None, first=None):
        """Poll `fetch()` until `ready(state)` within ``wait_timeout`` seconds; fails the module on a
        failure state or at the deadline, naming the last status seen and the statuses passed
        (starting from `first`, the object as last read before the wait, when given)."""
        what = what or self.what()
        seen = []
        # the object just read is the first poll: no second read right after it
        pending = [first] if first is not None else []
        start = time.time()

        def poll():
            state = pending.pop() if pending else fetch()
            status = self.status(state) if state is not None else "gone"
            if not seen or seen[-1] != status:
                seen.append(status)
                self.m.progress("%s: %s after %d s" % (what, status, time.time() - start))
            return state

        def describe(state):
            text = "last status %s (seen: %s)" % (seen[-1] if seen else "unknown", " -> ".join(str(s) for s in seen))
            more = self.detail(state) if state is not None else None
            return "%s; %s" % (text, more) if more else text

        return self.m.wait(poll, ready, failed=failed, timeout=self.params.get("wait_timeout") or 0,
                           what=what, describe=describe,
                           interval=POLL_START, growth=POLL_GROWTH, max_interval=POLL_MAX)

    # ------------------------------------------------------------------ result
    def _diff_result(self):
        if not self.module._diff:
            return {}
        return dict(diff=dict(before=self.before or {}, after=self.after or {}))

    def exit(self, final, **extra):
        result = dict(self.result)
        if self.represent:
            result[self.represent] = self.to_dict(final) if final is not None else {}
        result.update(self._diff_result())
        result.update(extra)
        self.m.exit(changed=self.changed, **result)


class KsyunResource(KsyunToolbox):
    """One resource kind on the toolbox: the present/absent flow of a single object (the module
    docstring above). The module supplies its options, reads and writes."""

    #: options the API can change on an existing resource
    mutable = ()
    #: True when a differing immutable option with ``recreate: true`` deletes and creates again
    recreatable = False
    #: options only a create uses whose value no read returns: they cannot be compared, so a task that
    #: sets one on an existing resource gets a warning naming it (never a silent ``ok``)
    unreadable = ()
    #: True when the API keeps the resource's identifying name unique (a second create of it is refused):
    #: then a create that timed out may be sent again after the re-reads, since it cannot duplicate
    unique = True

    def __init__(self, module):
        super().__init__(module)
        self.owned = False        # True once a create answer of this run returned the id it made
        self.last_read = None     # the created object as reconcile() read it (the first poll of the wait)

    def apply(self):
        if self.params.get("state", "present") == "absent":
            return self.absent()
        return self.present()

    # ------------------------------------------------------------------ hooks (override)
    def get(self):
        raise NotImplementedError

    def view(self, raw):
        """{option: value} of what the module manages, from an API object (never secrets)."""
        return {}

    def wanted(self):
        """{option: value} the task asks for; only the options it set."""
        return {}

    def before_create(self):
        """Reads (and checks) a create needs, in check mode too: a real run would fail the same way."""
        return None

    def create(self):
        raise NotImplementedError

    def find_created(self):
        """After a create whose answer was lost: the id of what it made, or None (default: get())."""
        raw = self.get()
        return self.ident(raw) if raw is not None else None

    def update(self, current, changes):
        raise NotImplementedError

    def before_delete(self, current):
        """Reads (and checks) a delete needs, in check mode too: a real run would fail the same way."""
        return None

    def delete(self, current):
        raise NotImplementedError

    def ready(self, raw):
        return True

    def failed(self, raw):
        return False

    def deleting(self, raw):
        """True when the resource is already being deleted ("absent, in progress")."""
        return False

    def predicted(self, current):
        """In check mode, the resource a real run would return (default: the current one, or None)."""
        return current

    def unread(self):
        """The `unreadable` options this task sets (a module adds paths of nested ones)."""
        return [o for o in self.unreadable if self.param_is_defined(o)]

    # ------------------------------------------------------------------ waits
    def wait_ready(self, raw=None):
        """With ``wait``: poll get() until ready() (fail fast on failed()); returns the last object."""
        if not self.params.get("wait", True):
            return raw if raw is not None else self.get()
        if raw is not None and self.ready(raw):
            return raw
        return self.wait_for(self.poll, lambda r: r is not None and self.ready(r),
                             lambda r: r is not None and self.failed(r), first=raw)

    def poll(self):
        """One read of the resource a wait is for (default: get())."""
        return self.get()

    def wait_gone(self):
        """With ``wait``: poll get() until it is None."""
        if self.params.get("wait", True):
            self.wait_for(self.get, lambda r: r is None, what=self.what())

    # ------------------------------------------------------------------ the flow
    def while_deleting(self, current):
        """``state=present`` met the resource being deleted ("absent, in progress"): a real run waits
        until it is gone, and then it is created again (check mode predicts that)."""
        if self.check_mode:
            return
        if not self.params.get("wait", True):
            self.fail("%s is being deleted: run again once it is gone, or with wait=true" % self.what(current))
        self.resource_id = self.ident(current)
        self.wait_gone()
        self.resource_id = None

    def present(self):
        current = self.get()
        if current is not None and self.deleting(current):
            self.while_deleting(current)
            current = None
        if current is None:
            return self._create()
        return self.converge(current)

    def converge(self, current, keep_before=False):
        """``state=present`` on an existing resource: compare, update what differs, wait."""
        self.resource_id = self.ident(current)
        have = self.view(current)
        if not keep_before:
            self.before = have
        diffs = differences(have, self.wanted())
        fixed = {k: v for k, v in diffs.items() if k not in self.mutable}
        if fixed:
            # what the task asks for, also shown (diff mode) when it fails
            self.after = {**have, **{k: v[1] for k, v in diffs.items()}}
            if self.recreatable and self.params.get("recreate"):
                return self._recreate(current, diffs)
            self.immutable_changed(current, fixed)
        self.warn_unread(current)
        changes = {k: v for k, v in diffs.items() if k in self.mutable}
        self.after = {**have, **{k: v[1] for k, v in changes.items()}}
        if changes:
            if self.check_mode:
                self.changed = True
                return self.predicted(current)
            wanted = {k: v[1] for k, v in changes.items()}

            def updated():
                raw = self.get()
                return True if raw is not None and not differences(self.view(raw), wanted) else None
            self.write(lambda: self.update(current, changes), updated)
            current = self.get()
        if self.check_mode:
            return current
        return self.wait_ready(current)

    def reconciled(self, survivor_id, deleted=(), why=""):
        """Say in the result (``reconciled``) and the progress what a racing run made this run do."""
        self.result["reconciled"] = dict(survivor=survivor_id, deleted=list(deleted), reason=why)
        self.m.progress("%s: %s" % (self.name(), why))

    def _create(self):
        raced = self.before_create()
        if raced is not None:
            # it exists after all (a racing run made it since the first read): continue from it
            self.reconciled(self.ident(raced), why="found %s, made meanwhile by another run; not created again"
                            % self.what(raced))
            return self.converge(raced)
        self.before = {}
        self.after = self.wanted()
        if self.check_mode:
            self.changed = True
            return self.predicted(None)

        ours = self.write(self._create_owned, self.find_created, refused=True, repeatable=self.unique)
        self.resource_id = ours
        if self.refused is not None:
            # refused, and the re-read found it: a racing run made it ("already exists")
            self.reconciled(ours, why="the create was refused (%s) and %s exists: made by another run, not by "
                            "this one; continued from it" % (self.refused.code, self.what()))
            return self.converge(self.get())
        kept = self.reconcile(ours)
        if kept is not None:
            return self.converge(kept, keep_before=True)
        return self.wait_ready(self.last_read)

    def _create_owned(self):
        """create(); its answer names what this run made (only that may a racing run's loser delete)."""
        made = self.create()
        self.owned = True
        return made

    def reconcile(self, ours):
        """After this run's create of `ours`: the object to continue with when a racing run's object
        is kept instead of ours (ours deleted when this run made it), or None to keep ours.
        Resources whose name is unique have nothing to reconcile."""
        return None

    def _recreate(self, current, diffs):
        self.after = {**self.before, **{k: v[1] for k, v in diffs.items()}}
        if self.check_mode:
            self.changed = True
            return self.predicted(None)
        self.write(lambda: self.delete(current), self._gone_or_deleting, repeatable=True, refused=True)
        self.wait_for(self.get, lambda r: r is None, what=self.what(current))
        self.resource_id = None
        self.owned = False
        self.resource_id = self.write(self._create_owned, self.find_created)
        kept = self.reconcile(self.resource_id)
        if kept is not None:
            return self.converge(kept, keep_before=True)
        return self.wait_ready(self.last_read)

    def warn_unread(self, current):
        unread = self.unread()
        if unread:
            self.module.warn("%s exists; not compared with it, as no read returns them and only a create uses "
                             "them: %s. The existing %s may differ from what the task sets for them."
                             % (self.what(current), ", ".join(unread), self.name()))

    def immutable_changed(self, current, fixed):
        """Options that differ but cannot be changed: fail naming each with both values."""
        detail = "; ".join("%s: is %s, the task wants %s" % (k, show(v[0]), show(v[1])) for k, v in sorted(fixed.items()))
        hint = (" Set them back, or use recreate=true to delete it and create it again." if self.recreatable else
                " Set them back, or delete it and create it again.")
        self.fail("%s differs in options that cannot be changed once it exists: %s.%s" % (self.what(current), detail, hint),
                  **self._diff_result())

    def _gone_or_deleting(self):
        raw = self.get()
        return True if raw is None or self.deleting(raw) else None

    def absent(self):
        current = self.get()
        if current is None:
            self.before = self.after = {}
            return None
        self.resource_id = self.ident(current)
        self.before = self.view(current)
        self.after = {}
        if self.deleting(current):
            if not self.check_mode:
                self.wait_gone()
            return None
        self.before_delete(current)
        if self.check_mode:
            self.changed = True
            return None
        # a delete is safe to repeat: re-read, and sent again while it is there and not being deleted;
        # refused (already gone: a racing run deleted it) is re-read too
        self.write(lambda: self.delete(current), self._gone_or_deleting, repeatable=True, refused=True)
        self.wait_gone()
        return None


class NamedResource(KsyunResource):
    """A resource the task finds by its id (option `id_option`) or by a name the API does not
    declare unique (option ``name``).

    Subclasses set `id_option`, `id_key`, `name_key` and `created_key` (the API fields) and supply
    ``describe(ids=None, name=None)``: the API objects with these ids, or a search whose answer
    holds at least every object of that name. Answers are matched by id and by exact name, never
    taken by position. Objects being deleted do not count when others of the name are live.

    Racing runs: after its create, a run re-reads the name (`reconcile()`); of several live objects
    every run keeps the same one (`survivor()`), and a run whose own object is not that one deletes
    its own (only an id its create answer returned) and continues with the survivor. A run that made
    nothing and finds several live objects made within RACE_WINDOW seconds of each other takes the
    survivor (deleting nothing: the runs that made the others delete them); several further apart fail
    the task listing their ids. After a create whose answer was lost,
    `find_created()` takes the one object of the name that was not there before; several (a racing
    run's too): the survivor is taken, and nothing is deleted (this run cannot tell which is its own).
    """

    id_option = None
    id_key = None
    name_key = None
    created_key = "CreateTime"
    unique = False

    def __init__(self, module):
        super().__init__(module)
        self.known_ids = set()   # ids of the objects of the name seen so far

    def describe(self, ids=None, name=None):
        raise NotImplementedError

    def ident(self, raw):
        return raw[self.id_key]

    def named(self):
        """Every object whose name is exactly ``name``."""
        name = self.params["name"]
        return [r for r in self.describe(name=name) if r.get(self.name_key) == name]

    def live(self, found):
        return [r for r in found if not self.deleting(r)]

    def survivor(self, found):
        return survivor(found, self.ident, self.created_key)

    def only(self, found, why=""):
        if len(found) > 1:
            self.fail("%d %ss are named %s%s: %s; set %s to choose one"
                      % (len(found), self.name(), self.params["name"], why,
                         ", ".join(sorted(self.ident(r) for r in found)), self.id_option))
        return found[0] if found else None

    def get(self):
        ident = self.resource_id or self.params.get(self.id_option)
        if ident:
            found = [r for r in self.describe(ids=[ident]) if r.get(self.id_key) == ident]
            return found[0] if found else None
        found = self.named()
        self.known_ids.update(self.ident(r) for r in found)
        live = self.live(found)
        if len(live) > 1 and self.racing(live):
            best = self.survivor(live)
            others = sorted(self.ident(r) for r in live if r is not best)
            self.reconciled(self.ident(best), why="%d %ss of the name were made within %d s of each other by racing "
                            "runs: continued with the one every run keeps, %s (the runs that made %s delete them)"
                            % (len(live), self.name(), RACE_WINDOW, self.ident(best), ", ".join(others)))
            live = [best]
        return self.only(live if live else found)

    def racing(self, live):
        """True when these objects of the name were made by racing runs: all made within RACE_WINDOW."""
        times = [creation_time(r.get(self.created_key)) for r in live]
        if any(t is None for t in times):
            return False
        return (max(times) - min(times)).total_seconds() <= RACE_WINDOW

    def before_create(self):
        if self.params.get(self.id_option):
            self.fail("%s %s does not exist: an id only finds an existing one; to create one, set name without %s"
                      % (self.name(), self.params[self.id_option], self.id_option))

    def find_created(self):
        new = [r for r in self.live(self.named()) if self.ident(r) not in self.known_ids]
        if len(new) > 1:
            # this run's and a racing run's: which is which cannot be told, so none is deleted
            kept = self.survivor(new)
            why = ("the create's answer was lost and %d %ss of the name appeared since (%s): this run cannot "
                   "tell which one it made, so it deleted none and continued with %s; delete the other one(s) "
                   "if no other run keeps them" % (len(new), self.name(), ", ".join(sorted(self.ident(r) for r in new)),
                                                   self.ident(kept)))
            self.reconciled(self.ident(kept), why=why)
            self.module.warn(why)
            return self.ident(kept)
        return self.ident(new[0]) if new else None

    def reconcile(self, ours):
        """Re-read the name after this run's create: keep ours, or delete it for a racing run's survivor."""
        time.sleep(SETTLE)
        live = self.live(self.named())
        mine = [r for r in live if self.ident(r) == ours]
        best = self.survivor(live) if mine else None
        if best is None or self.ident(best) == ours:
            self.last_read = mine[0] if mine else None   # the first poll of the wait
            return None
        kept = self.ident(best)
        deleted = []
        if self.owned:
            self.m.progress("%s %s: a racing run made %s first; deleting ours" % (self.name(), ours, kept))
            self.delete_own(ours)
            deleted.append(ours)
            why = ("a racing run made %s %s of the same name first (oldest creation time, then smallest id): "
                   "this run deleted %s, the one it made, and continued with %s" % (self.name(), kept, ours, kept))
        else:
            why = ("%s %s of the same name is older than %s (its create's answer was lost, so this run may not "
                   "have made it): none deleted, continued with %s" % (self.name(), kept, ours, kept))
        self.reconciled(kept, deleted, why)
        self.resource_id = kept
        return best

    def poll(self):
        """A wait's read. The object this run found (it made none) being deleted, or gone, while a
        racing run's is live: the run that made it lost the race and deletes it; continue with the
        one of the name every run keeps."""
        raw = self.get()
        if (raw is not None and not self.deleting(raw)) or self.owned or self.params.get(self.id_option):
            return raw
        lost = self.resource_id
        self.resource_id = None
        other = self.get()
        if other is None or self.deleting(other):
            self.resource_id = lost
            return raw
        self.resource_id = self.ident(other)
        self.reconciled(self.resource_id, why="%s %s, which this run found, was deleted by the racing run that made "
                        "it: continued with %s, the one every run keeps" % (self.name(), lost, self.resource_id))
        return other

    def delete_own(self, ours):
        """Delete the object this run made (`ours`, the current `resource_id`) for a racing run's.
        An API that refuses to delete it while it is being built: wait until it is built (or
        failed), within ``wait_timeout``, and delete it then."""
        for attempt in range(2):
            own = self.get()
            if own is None or self.deleting(own):
                return
            try:
                self.write(lambda: self.delete_racing(own), self._gone_or_deleting, repeatable=True, refused=True)
                return
            except KsyunError:
                if attempt or self.ready(own) or self.failed(own):
                    raise
            self.wait_for(self.get, lambda r: r is None or self.ready(r) or self.failed(r) or self.deleting(r),
                          what="%s (until it can be deleted)" % self.what(own), first=own)

    def delete_racing(self, raw):
        """The delete of an object this run made and a racing run's replaces (default: delete())."""
        return self.delete(raw)
