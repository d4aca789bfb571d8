"""Random (`--fault-rate F --fault-seed N`, optionally `--fault-kinds a,b`) and scheduled faults.

`--fault-kinds` (`Faults(kinds=...)`) limits what the random rate draws from (default: every answer
kind, and `fail_resource`); e.g. `throttle,unavailable,timeout,stall,drop,lost_response` injects
answer faults only, no resource failing in the cloud. Scheduled faults are not limited by it.

Kinds answered by the server:

| kind | what the client sees | applied? |
|---|---|---|
| `throttle` | 409 LimitExceeded | no |
| `unavailable` | 500 ServiceUnavailable | no |
| `timeout` | 500 ServiceTimeout | a write: yes, `land_seconds` (2 s) after the answer (emulator's choice, below) |
| `stall` | nothing for `stall_seconds` (default 35 s), then the normal answer | yes, after the stall |
| `drop` | the connection is closed, no answer | no |
| `lost_response` | the connection is closed, no answer | yes (mutating actions only) |
| `fail_resource` | (scheduled, or random with a rate) `req.fail_next(kind)` is true once for that action | |
| `not_ready` | (scheduled only) `req.outcome("not_ready")` is true once for that action (KCE: the cluster ends `NotReady`) | |
| `abnormal` | (scheduled only) `req.outcome("abnormal")` is true once for that action (KCE: the request's first node ends `abnormal`) | |

The last three are *outcome* faults: they do not change the answer, they decide how the resource the
request creates ends its lifecycle.  A consumed scheduled outcome is given back when its request is
rolled back (an error or DryRun).

`timeout` on a write is the emulator's own choice: DECISIONS.md, section Faults.

Faults are only ever chosen after the signature was verified, and never for admin requests.
"""
import random
import threading

ANSWER_KINDS = ("throttle", "unavailable", "timeout", "stall", "drop", "lost_response")
#: faults that decide a created resource's outcome instead of the answer (`fail_resource` may also be random)
OUTCOME_KINDS = ("fail_resource", "not_ready", "abnormal")
KINDS = ANSWER_KINDS + OUTCOME_KINDS
_RANDOM_READ = ("throttle", "unavailable", "timeout", "stall", "drop")
_RANDOM_WRITE = _RANDOM_READ + ("lost_response",)


class Faults(object):
    def __init__(self, rate=0.0, seed=0, stall_seconds=35.0, kinds=None, land_seconds=2.0):
        rate = float(rate or 0.0)
        if not 0.0 <= rate <= 1.0:
            raise ValueError("fault rate must be within 0..1")
        self.rate = rate
        if kinds is not None:
            kinds = tuple(kinds)
            unknown = [k for k in kinds if k not in _RANDOM_WRITE + ("fail_resource",)]
            if unknown or not kinds:
                raise ValueError("random fault kinds are some of %s, not %r"
                                 % (", ".join(_RANDOM_WRITE + ("fail_resource",)), list(kinds)))
        #: the kinds the random rate draws from (None: all of them)
        self.kinds = kinds
        self._read = tuple(k for k in _RANDOM_READ if kinds is None or k in kinds)
        self._write = tuple(k for k in _RANDOM_WRITE if kinds is None or k in kinds)
        self.stall_seconds = float(stall_seconds)
        #: how long after its ServiceTimeout answer a write lands
        self.land_seconds = float(land_seconds)
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._scheduled = []   # dicts: action, fault, count, account
        self.stop_event = threading.Event()

    # --------------------------------------------------------------------------- scheduling
    def schedule(self, action, fault, count=1, account=None):
        if fault not in KINDS:
            raise ValueError("unknown fault %r (one of %s)" % (fault, ", ".join(KINDS)))
        if not isinstance(action, str) or not action:
            raise ValueError("action must be an action name")
        count = int(count)
        if count < 1:
            raise ValueError("count must be at least 1")
        if account is not None and not isinstance(account, str):
            raise ValueError("account must be an access key id or null")
        with self._lock:
            self._scheduled.append({"action": action, "fault": fault, "count": count, "account": account})

    def clear(self):
        with self._lock:
            self._scheduled = []

    def scheduled(self):
        with self._lock:
            return [dict(s) for s in self._scheduled]

    def _take(self, action, account, kinds):
        """Consume one scheduled fault of `kinds` matching the action (and account); its kind or None."""
        with self._lock:
            for s in self._scheduled:
                if s["action"] == action and s["fault"] in kinds and s["account"] in (None, account):
                    s["count"] -= 1
                    if s["count"] <= 0:
                        self._scheduled.remove(s)
                    return s["fault"]
        return None

    def _give_back(self, action, account, fault):
        with self._lock:
            self._scheduled.insert(0, {"action": action, "fault": fault, "count": 1, "account": account})

    # --------------------------------------------------------------------------- choosing
    def pick(self, action, account, mutates):
        """The fault to answer this API request with, or None."""
        fault = self._take(action, account, ANSWER_KINDS) if self._scheduled else None
        if fault is not None:
            return fault
        choices = self._write if mutates else self._read
        if self.rate > 0.0 and choices:
            with self._lock:
                if self._rng.random() < self.rate:
                    return self._rng.choice(choices)
        return None

    def fail_resource(self, action, account):
        """"scheduled" when a `fail_resource` was scheduled for this action (consumed), "random" when the
        random rate says so, else None."""
        if self._scheduled and self._take(action, account, ("fail_resource",)):
            return "scheduled"
        if self.rate > 0.0 and (self.kinds is None or "fail_resource" in self.kinds):
            with self._lock:
                if self._rng.random() < self.rate:
                    return "random"
        return None

    def give_back_fail_resource(self, action, account):
        """Undo a consumed `fail_resource` (the request that consumed it was rolled back)."""
        self._give_back(action, account, "fail_resource")

    def outcome(self, action, account, fault):
        """True when an outcome fault `fault` (not `fail_resource`) was scheduled for this action (consumed)."""
        if fault not in OUTCOME_KINDS or fault == "fail_resource":
            raise ValueError("not a scheduled-only outcome fault: %r" % (fault,))
        return bool(self._scheduled) and self._take(action, account, (fault,)) is not None

    def give_back(self, action, account, fault):
        """Undo a consumed scheduled outcome fault (the request that consumed it was rolled back)."""
        self._give_back(action, account, fault)

    def stall(self):
        """Sleep `stall_seconds` unless the emulator stops; True when it stopped meanwhile."""
        return self.stop_event.wait(self.stall_seconds)
