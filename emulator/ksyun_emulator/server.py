"""The ksyun container API emulator: HTTP server, request parsing, routing, admin endpoints, CLI.

    ksyun-emulator [--host 127.0.0.1] [--port 0] [--port-file FILE] [--state FILE]
        [--account AK:SK ...] [--world FILE] [--lifecycle-seconds S] [--latency-ms N]
        [--fault-rate F] [--fault-seed N] [--fault-kinds K,K...] [--stall-seconds S] [--log FILE] [--strict-params]
        [--allow-duplicate-names] [--unknown-cluster error|empty]

The same as `python -m ksyun_emulator` (emulator/ on PYTHONPATH, or an installed copy), as a script
(`python emulator/ksyun_emulator/server.py`), and from an installed collection as
`python -m ansible_collections.ksyun.cloud.emulator.ksyun_emulator`.  See emulator/README.md (the contract).
"""
if __name__ == "__main__" and not __package__:  # run as a script: import the package properly
    import os as _os
    import sys as _sys
    _sys.path.insert(0, _os.path.dirname(_os.path.dirname(_os.path.abspath(__file__))))
    from ksyun_emulator.server import main as _main
    _sys.exit(_main())

import argparse
import collections
import importlib
import ipaddress
import json
import math
import os
import random
import signal
import socket
import sys
import threading
import time
import traceback
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from . import auth, core
from .faults import Faults
from .store import Database

DEMO_ACCESS_KEY = "AKLTDEMO0000000000000000"
DEMO_SECRET_KEY = "demo+secret/KSYUN+emulator+0000000000"
SERVICE_MODULES = ("kce", "kcr", "kci")
DEFAULT_LIFECYCLE_SECONDS = 5.0
DEFAULT_STALL_SECONDS = 35.0
#: `--unknown-cluster`: how DescribeCluster answers a ClusterId that does not exist (the emulator's choice)
UNKNOWN_CLUSTER_CHOICES = ("error", "empty")
MAX_BODY = 16 * 1024 * 1024
REQUEST_LOG_MAX = 20000  # in-memory records kept (the --log file keeps everything)
_ADMIN = "/_emulator"
_META_SCOPE = ("_emulator",)
_FORM = "application/x-www-form-urlencoded"


# ------------------------------------------------------------------------------------ modules

def _import_optional(name, package=None):
    """Import a sibling module if it exists; a module that exists but fails to import raises."""
    full = "%s.%s" % (package or __package__, name)
    try:
        return importlib.import_module(full)
    except ModuleNotFoundError as exc:
        if exc.name == full:
            return None
        raise


def load_service_modules():
    """Import the service packages kce/, kcr/, kci/ (whichever exist): importing one registers its @action
    handlers (its handlers.py), its settling (`core.settles`) and exposes its `ADMIN` endpoints."""
    return {name: _import_optional(name) for name in SERVICE_MODULES}


def _is_loopback(address):
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if getattr(ip, "ipv4_mapped", None) is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback


# ------------------------------------------------------------------------------------ replies

class Reply(object):
    """What to send: a JSON answer, or nothing at all (close the connection)."""

    __slots__ = ("status", "body", "close", "payload")

    def __init__(self, status=200, body=None, close=False, payload=None):
        self.status, self.body, self.close, self.payload = status, body, close, payload

    def encode(self):
        if self.payload is None:
            self.payload = _dumps(self.body)
        return self.payload


def _dumps(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _error_reply(err, request_id):
    return Reply(err.status, err.body(request_id))


# ------------------------------------------------------------------------------------ emulator

class Emulator(object):
    """One emulator: state, accounts, clock, faults, request log, and (after start()) an HTTP server."""

    def __init__(self, accounts=None, lifecycle_seconds=0, latency_ms=0, fault_rate=0.0, fault_seed=0,
                 state=None, world=None, log=None, stall_seconds=DEFAULT_STALL_SECONDS, strict_params=False,
                 allow_duplicate_names=False, unknown_cluster="error", fault_kinds=None):
        self._modules = load_service_modules()
        self.strict_params = bool(strict_params)
        self.allow_duplicate_names = bool(allow_duplicate_names)
        if unknown_cluster not in UNKNOWN_CLUSTER_CHOICES:
            raise ValueError("unknown_cluster is one of %s" % ", ".join(UNKNOWN_CLUSTER_CHOICES))
        # the emulator's choice (the documents define no answer for an unknown cluster id): DECISIONS.md
        self.unknown_cluster = unknown_cluster
        self._world_mod = _import_optional("world")
        #: the test-control endpoints the modules define: {(method, path): function(emulator, body)}
        self._admin_endpoints = {}
        for module in list(self._modules.values()) + [self._world_mod]:
            self._admin_endpoints.update(getattr(module, "ADMIN", None) or {})
        if accounts:
            self.accounts = {str(k): str(v) for k, v in dict(accounts).items()}
        else:
            self.accounts = {DEMO_ACCESS_KEY: DEMO_SECRET_KEY}
        self.access_key, self.secret_key = next(iter(self.accounts.items()))
        lifecycle = float(lifecycle_seconds or 0)
        if lifecycle < 0 or math.isnan(lifecycle):
            raise ValueError("lifecycle_seconds must be >= 0")
        self.lifecycle = int(lifecycle) if lifecycle.is_integer() else lifecycle
        self.latency = max(0.0, float(latency_ms or 0) / 1000.0)
        self.faults = Faults(fault_rate, fault_seed, stall_seconds, kinds=fault_kinds)
        self.rng = random.Random(fault_seed)
        self.world = self._load_world(world)
        self.db = Database(state)
        if state:
            # with a --state file, a restarted emulator must not hand out the seed's ids again (a real
            # cloud never reuses an id, even a deleted one's): ids come from fresh entropy
            self.rng = random.Random(os.urandom(16))
        self.state = state
        self._log_lock = threading.Lock()
        self._requests = collections.deque(maxlen=REQUEST_LOG_MAX)
        self._log_path = log
        self._log_fh = open(log, "a", encoding="utf-8") if log else None
        offset = self.db.get(_META_SCOPE, "_clock", "offset")
        self._clock_offset = float(offset["seconds"]) if offset else 0.0
        self._server = None
        self._thread = None
        self.url = None
        self.host = None
        self.port = None

    # ------------------------------------------------------------------ set-up helpers
    def _load_world(self, world):
        if world is None:
            return None
        if isinstance(world, (str, bytes, os.PathLike)):
            with open(world, encoding="utf-8") as fh:
                world = json.load(fh)
        check = getattr(self._world_mod, "_check", None)
        if check is not None:
            check(world)
        return world

    # ------------------------------------------------------------------ clock
    def now(self):
        """The emulator clock: the wall clock plus every advance() so far."""
        return time.time() + self._clock_offset

    def advance(self, seconds):
        """Move the emulator clock forward (persisted with --state)."""
        seconds = float(seconds)
        if seconds < 0 or math.isnan(seconds) or seconds == float("inf"):
            raise ValueError("advance takes a finite number of seconds >= 0")
        with self.db.transaction():
            self._clock_offset += seconds
            self.db.put(_META_SCOPE, "_clock", "offset", {"seconds": self._clock_offset})
        return self.now()

    # ------------------------------------------------------------------ faults
    def schedule_fault(self, action, fault, count=1, account=None):
        """Schedule `count` faults of kind `fault` for `action` (optionally one account's requests only)."""
        self.faults.schedule(action, fault, count=count, account=account)

    def clear_faults(self):
        self.faults.clear()

    # ------------------------------------------------------------------ state
    def reset(self):
        """Forget all state (objects, seeded worlds, clock advances) and scheduled faults."""
        with self.db.transaction():
            self.db.reset()
            self._clock_offset = 0.0
        self.faults.clear()

    def account_store(self, account=None):
        """The account-wide store (KCR) of an account (default: the first one)."""
        return self.db.scope(account or self.access_key)

    def region_store(self, account=None, region="cn-beijing-6", seed=True):
        """The (account, region) store (KCE/KCI), seeded with the world first unless seed=False."""
        scope = (account or self.access_key, region)
        store = self.db.scope(*scope)
        if seed:
            with self.db.transaction():
                self._ensure_seeded(store, region)
        return store

    def _ensure_seeded(self, store, region):
        if store.count("_seeded"):
            return
        if self._world_mod is not None:
            self._world_mod.seed(store, region, self.world)
        store.put("_seeded", "world", {"at": self.now()})

    # ------------------------------------------------------------------ test control (in-process)
    def push_tags(self, repository, tags, access_key=None):
        """Emulate `docker push repository:tag` for each tag: `POST /_emulator/push` in-process
        (KeyError, ValueError, TypeError instead of 404/400); kcr/handlers.py control_push_tags has the rules."""
        return self._module("kcr").control_push_tags(self, repository, tags, access_key)

    def add_charts(self, namespace, count=1, access_key=None):
        """Emulate Helm charts pushed into a namespace: `POST /_emulator/charts` in-process; returns the
        new ChartCount (kcr/handlers.py control_add_charts has the rules)."""
        return self._module("kcr").control_add_charts(self, namespace, count, access_key)

    def add_world(self, kind, count=1, region="cn-beijing-6", access_key=None, **fields):
        """Emulate resources made through services the emulator does not speak: `POST /_emulator/world`
        in-process; returns the new ids (world.control_add_world has the rules)."""
        return self._module("world").control_add_world(self, kind, count, region, access_key, fields)

    def _module(self, name):
        module = self._world_mod if name == "world" else self._modules.get(name)
        if module is None:
            raise KeyError("the emulator has no %s module" % name)
        return module

    def control_account(self, access_key=None):
        """The account a test-control call names (default: the first account); KeyError if unknown."""
        account = self.access_key if access_key is None else access_key
        if account not in self.accounts:
            raise KeyError("no account %r" % (account,))
        return account

    @property
    def requests(self):
        """The request log (a list of records, oldest first)."""
        with self._log_lock:
            return list(self._requests)

    def clear_requests(self):
        with self._log_lock:
            self._requests.clear()

    # ------------------------------------------------------------------ serving
    def start(self, host="127.0.0.1", port=0):
        """Serve in a background (daemon) thread; sets url/host/port."""
        if self._server is not None:
            raise RuntimeError("already started")
        server_cls = _Server6 if ":" in host else _Server
        self._server = server_cls((host, int(port)), _Handler)
        self._server.emulator = self
        self.host = host
        self.port = self._server.server_address[1]
        self.url = "http://%s:%d" % ("[%s]" % host if ":" in host else host, self.port)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="ksyun-emulator", daemon=True)
        self._thread.start()
        return self.url

    def stop(self):
        """Stop serving: wakes stalled requests, closes connections, the state file and the log."""
        self.faults.stop_event.set()
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
            server.close_connections()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None
        with self.db.lock:
            self.db.close()
        with self._log_lock:
            if self._log_fh is not None:
                self._log_fh.close()
                self._log_fh = None

    def __enter__(self):
        if self._server is None:
            self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    # ------------------------------------------------------------------ request log
    def _record(self, rec):
        line = None
        if self._log_fh is not None:
            line = json.dumps(rec, ensure_ascii=False, separators=(",", ":"))
        with self._log_lock:
            self._requests.append(rec)
            if line is not None and self._log_fh is not None:
                self._log_fh.write(line + "\n")
                self._log_fh.flush()

    # ------------------------------------------------------------------ the API
    def handle_api(self, method, raw_path, raw_query, headers, body):
        """Answer one API request (called by the HTTP handler): returns a Reply."""
        started = time.time()
        request_id = str(uuid.uuid4())
        rec = {"time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(started)) + ".%03dZ" % (started % 1 * 1000),
               "request_id": request_id, "method": method, "service": None, "version": None, "action": None,
               "account": None, "region": None, "status": None, "error": None, "mutated": False,
               "dry_run": False, "fault": None, "params": []}
        reply = None
        try:
            reply = self._api(method, raw_path, raw_query, headers, body, request_id, rec)
        except core.ApiError as err:
            reply = _error_reply(err, request_id)
        except Exception as exc:  # a bug in the emulator itself: answer 500, keep serving
            traceback.print_exc(file=sys.stderr)
            reply = _error_reply(core.internal(exc), request_id)
        if reply.close:
            rec["status"] = None
        else:
            rec["status"] = reply.status
            if reply.status >= 300:
                rec["error"] = reply.body["Error"]["Code"]
            if self.latency:
                self.faults.stop_event.wait(self.latency)
        rec["duration_ms"] = round((time.time() - started) * 1000.0, 3)
        self._record(rec)
        return reply

    def _api(self, method, raw_path, raw_query, headers, body, request_id, rec):
        try:
            query_pairs = auth.parse_pairs(raw_query)
        except auth.MalformedQuery as exc:
            raise core.invalid_query_parameter(exc.name)
        cred = auth.verify(method, raw_path, raw_query, headers, body, self.accounts.get,
                           now=time.time(), query_pairs=query_pairs)
        account, region, service = cred
        rec.update(account=account, region=region, service=service)

        if method == "GET":
            pairs = [kv for kv in query_pairs if kv[0] not in auth.QUERY_AUTH_PARAMS]
        elif method == "POST":
            ctype = ""
            for name, value in headers:
                if name.lower() == "content-type":
                    ctype = value.split(";", 1)[0].strip().lower()
            if body and ctype != _FORM:
                raise core.invalid("Content-Type", "A POST body must be %s." % _FORM)
            try:
                pairs = auth.parse_pairs(body.decode("utf-8")) if body else []
            except UnicodeDecodeError:
                raise core.invalid_query_parameter("(body)")
            except auth.MalformedQuery as exc:
                raise core.invalid_query_parameter(exc.name)
        else:
            raise core.invalid_method(method)

        params = core.Params(pairs)
        rec["params"] = sorted(params.keys())
        action_name = params.str("Action", required=True)
        version = params.str("Version", required=True)
        rec.update(action=action_name, version=version)
        act = core.lookup(service, version, action_name)

        fault = self.faults.pick(action_name, account, act.mutates if act is not None else False)
        if fault is not None:
            rec["fault"] = fault
            if fault == "throttle":
                raise core.limit_exceeded()
            if fault == "unavailable":
                raise core.service_unavailable()
            if fault == "timeout":
                if act is not None and act.mutates:
                    self._land_later(method, params, act, version, account, region, service, request_id)
                raise core.service_timeout()
            if fault == "drop":
                return Reply(close=True)
            if fault == "stall" and self.faults.stall():
                return Reply(close=True)  # stopped while stalling: nothing applied, no answer

        dry = self._accept(method, params, act, version, service)
        rec["dry_run"] = dry

        answer, payload = self._run(act, params, account, region, service, version, request_id, dry, method)
        rec["mutated"] = act.mutates
        if fault == "lost_response":
            return Reply(close=True)
        return Reply(200, answer, payload=payload)

    def _accept(self, method, params, act, version, service):
        """The checks every request passes before its handler runs; whether it is a DryRun."""
        if version not in core.versions(service):
            raise core.invalid("Version")
        if act is None:
            raise core.invalid_action(params.str("Action"))
        if method not in act.methods:
            raise core.invalid_method(method)
        if self.strict_params:
            unknown = act.unknown_params(params.keys())
            if unknown:
                raise core.unknown_parameter(unknown[0])
        return bool(params.bool("DryRun", default=False))

    def _land_later(self, method, params, act, version, account, region, service, request_id):
        """A write answered ServiceTimeout is carried out `faults.land_seconds` later (the emulator's
        choice, faults.py): its outcome, an error too, reaches nobody, as on a server whose front end
        gave up waiting for the service behind it."""
        def land():
            if self.faults.stop_event.wait(self.faults.land_seconds):
                return  # the emulator stopped first: it never lands
            try:
                dry = self._accept(method, params, act, version, service)
                self._run(act, params, account, region, service, version, request_id, dry, method)
            except core.ApiError:
                pass
        thread = threading.Thread(target=land, name="land-" + request_id)
        thread.daemon = True
        thread.start()

    def _run(self, act, params, account, region, service, version, request_id, dry, method):
        consumed = []
        outcomes = []     # scheduled outcome faults consumed by this request

        def outcome(fault):
            if fault in outcomes:
                return False  # once per request
            if not self.faults.outcome(act.name, account, fault):
                return False
            outcomes.append(fault)
            return True

        def give_back():
            if consumed and consumed[0] == "scheduled":
                self.faults.give_back_fail_resource(act.name, account)
            for fault in outcomes:
                self.faults.give_back(act.name, account, fault)

        def fail_next(kind):
            if consumed:
                return False  # once per request
            how = self.faults.fail_resource(act.name, account)
            if how is None:
                return False
            consumed.append(how)
            return True

        db = self.db
        scope = (account, region)

        def region_store():
            store = db.scope(*scope)
            self._ensure_seeded(store, region)
            return store

        def others():
            return [db.scope(a) for a in self.accounts if a != account]

        with db.transaction() as tx:
            req = core.Request(params, account, region, service, version, act.name, request_id,
                               clock=self.now, lifecycle=self.lifecycle, store=region_store,
                               account_store=lambda: db.scope(account), rng=self.rng, fail_next=fail_next,
                               dry_run=dry, method=method, other_account_stores=others, outcome=outcome,
                               options={"unknown_cluster": self.unknown_cluster,
                                        "allow_duplicate_names": self.allow_duplicate_names})
            try:
                settle = core.SETTLERS.get((act.service, act.version))
                if settle is not None:        # e.g. KCE purges what has finished deleting
                    settle(req)
                result = act.func(req)
                if dry:
                    tx.rollback()
                    raise core.dry_run()
                if result is None:
                    result = {}
                if not isinstance(result, dict):
                    raise TypeError("handler %s returned %s, not a dict" % (act.name, type(result).__name__))
                answer = {"RequestId": request_id}
                for key, value in core.strip_private(result).items():
                    if key != "RequestId":
                        answer[key] = value
                payload = _dumps(answer)  # an answer that cannot be sent rolls the request back
            except core.ApiError:
                give_back()
                raise
            except Exception as exc:
                give_back()
                traceback.print_exc(file=sys.stderr)
                raise core.internal(exc)
        return answer, payload

    # ------------------------------------------------------------------ admin
    def handle_admin(self, method, path, body):
        """The test-control endpoints (the HTTP handler checks the client is on loopback)."""
        try:
            data = json.loads(body.decode("utf-8")) if body and body.strip() else {}
        except ValueError:
            return Reply(400, {"error": "the body must be JSON"})
        if data is None:
            data = {}
        if not isinstance(data, dict):
            return Reply(400, {"error": "the body must be a JSON object"})
        sub = path[len(_ADMIN):].rstrip("/") or "/"
        try:
            if sub == "/health" and method == "GET":
                return Reply(200, {"ok": True})
            if sub == "/faults":
                if method == "POST":
                    self.schedule_fault(data.get("action"), data.get("fault"), count=data.get("count", 1),
                                        account=data.get("account"))
                    return Reply(200, {"ok": True, "scheduled": self.faults.scheduled()})
                if method == "DELETE":
                    self.clear_faults()
                    return Reply(200, {"ok": True})
                if method == "GET":
                    return Reply(200, {"scheduled": self.faults.scheduled()})
            if sub == "/clock" and method == "POST":
                now = self.advance(data.get("advance", 0))
                return Reply(200, {"ok": True, "now": now})
            if sub == "/clock" and method == "GET":
                return Reply(200, {"now": self.now(), "offset": self._clock_offset})
            if sub == "/reset" and method == "POST":
                self.reset()
                return Reply(200, {"ok": True})
            endpoint = self._admin_endpoints.get((method, sub))
            if endpoint is not None:          # a service's own (kcr: /push, /charts; world: /world)
                try:
                    status, answer = endpoint(self, data)
                except KeyError as exc:
                    return Reply(404, {"error": str(exc.args[0])})
                return Reply(status, answer)
            if sub == "/requests" and method == "GET":
                return Reply(200, self.requests)
            if sub == "/requests" and method == "DELETE":
                self.clear_requests()
                return Reply(200, {"ok": True})
        except (TypeError, ValueError) as exc:
            return Reply(400, {"error": str(exc)})
        return Reply(404, {"error": "no admin endpoint %s %s" % (method, path)})


# ------------------------------------------------------------------------------------ HTTP

class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, *args, **kwargs):
        self._conns = set()
        self._conns_lock = threading.Lock()
        super().__init__(*args, **kwargs)

    def process_request(self, request, client_address):
        with self._conns_lock:
            self._conns.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        with self._conns_lock:
            self._conns.discard(request)
        super().shutdown_request(request)

    def close_connections(self):
        with self._conns_lock:
            conns, self._conns = list(self._conns), set()
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class _Server6(_Server):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ksyun-emulator/1.0"
    sys_version = ""
    timeout = 120  # idle keep-alive connections are closed after this
    wbufsize = 64 * 1024  # headers and body leave in one send (handle_one_request flushes)

    def setup(self):
        super().setup()
        try:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass

    def handle(self):
        try:
            super().handle()
        except OSError:  # the client went away (e.g. after its timeout during a stall): nothing to say
            self.close_connection = True

    def _read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks, total = [], 0
            while True:
                line = self.rfile.readline(65537)
                size = int(line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                total += size
                if total > MAX_BODY:
                    raise ValueError("body too large")
                chunks.append(self.rfile.read(size))
                self.rfile.readline(65537)
        length = self.headers.get("Content-Length")
        if not length:
            return b""
        n = int(length)
        if n < 0 or n > MAX_BODY:
            raise ValueError("bad Content-Length")
        return self.rfile.read(n)

    def _dispatch(self):
        emu = self.server.emulator
        try:
            body = self._read_body()
        except ValueError:
            self.close_connection = True
            self._send(Reply(400, {"error": "bad request body"}))
            return
        target = self.path
        if not target.startswith("/"):
            parts = urlsplit(target)
            target = (parts.path or "/") + ("?" + parts.query if parts.query else "")
        raw_path, _sep, raw_query = target.partition("?")
        if raw_path == _ADMIN or raw_path.startswith(_ADMIN + "/"):
            if not _is_loopback(self.client_address[0]):
                reply = Reply(403, {"error": "admin endpoints answer loopback clients only"})
            else:
                reply = emu.handle_admin(self.command, raw_path, body)
        else:
            reply = emu.handle_api(self.command, raw_path, raw_query, self.headers.items(), body)
        self._send(reply)

    def _send(self, reply):
        if reply.close:
            self.close_connection = True
            try:
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        payload = reply.encode()
        self.send_response(reply.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _dispatch


# ------------------------------------------------------------------------------------ CLI

def _account(text):
    ak, sep, sk = text.partition(":")
    if not sep or not ak or not sk:
        raise argparse.ArgumentTypeError("expected AK:SK, got %r" % text)
    return ak, sk


def _rate(text):
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError("the fault rate is within 0..1")
    return value


def _kinds(text):
    kinds = tuple(k.strip() for k in text.split(",") if k.strip())
    try:
        Faults(kinds=kinds)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc))
    return kinds


def build_parser():
    ap = argparse.ArgumentParser(prog="ksyun-emulator", description="ksyun KCE/KCR/KCI API emulator")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0, help="0 = any free port")
    ap.add_argument("--port-file", help="write the chosen port to this file")
    ap.add_argument("--state", help="SQLite file: state survives restarts (default: in memory)")
    ap.add_argument("--account", action="append", type=_account, default=[], metavar="AK:SK",
                    help="an account (repeatable; default: the demo account)")
    ap.add_argument("--world", help="JSON file replacing the default world")
    ap.add_argument("--lifecycle-seconds", type=float, default=DEFAULT_LIFECYCLE_SECONDS,
                    help="length of each lifecycle stage (0 = immediate)")
    ap.add_argument("--latency-ms", type=float, default=0.0, help="added to every API answer")
    ap.add_argument("--fault-rate", type=_rate, default=0.0, help="share of API requests answered with a fault")
    ap.add_argument("--fault-seed", type=int, default=0)
    ap.add_argument("--fault-kinds", type=_kinds, default=None, metavar="K,K...",
                    help="the kinds the random fault rate draws from (default: all; e.g. "
                         "throttle,unavailable,timeout,stall,drop,lost_response for answer faults only)")
    ap.add_argument("--stall-seconds", type=float, default=DEFAULT_STALL_SECONDS,
                    help="how long a 'stall' fault sleeps")
    ap.add_argument("--log", help="append one JSON line per API request to this file")
    ap.add_argument("--strict-params", action="store_true",
                    help="refuse a parameter name the action does not define (400 InvalidQueryParameter)")
    ap.add_argument("--allow-duplicate-names", action="store_true",
                    help="let KCI container groups and image caches share a name (the documents do not say "
                         "names are unique; by default the emulator refuses a name in use)")
    ap.add_argument("--unknown-cluster", choices=UNKNOWN_CLUSTER_CHOICES, default="error",
                    help="DescribeCluster for a ClusterId that does not exist: 'error' (404 ClusterNotFound, "
                         "the default) or 'empty' (an empty ClusterSet, as ksyun's own provider reads it)")
    return ap


def main(argv=None):
    args = build_parser().parse_args(argv)
    emu = Emulator(accounts=dict(args.account) or None, lifecycle_seconds=args.lifecycle_seconds,
                   latency_ms=args.latency_ms, fault_rate=args.fault_rate, fault_seed=args.fault_seed,
                   state=args.state, world=args.world, log=args.log, stall_seconds=args.stall_seconds,
                   strict_params=args.strict_params, allow_duplicate_names=args.allow_duplicate_names,
                   unknown_cluster=args.unknown_cluster, fault_kinds=args.fault_kinds)
    emu.start(host=args.host, port=args.port)
    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as fh:
            fh.write("%d\n" % emu.port)
        os.replace(tmp, args.port_file)
    print("ksyun emulator listening on %s" % emu.url, flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        emu.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
