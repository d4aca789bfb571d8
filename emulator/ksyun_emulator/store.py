"""Transactional state, in memory with an optional SQLite write-through, scoped per account (and region).

Layout: `Database` holds every scope; a scope is a tuple, `(account, region)` for KCE/KCI and
`(account,)` for KCR.  Inside a scope each kind is an insertion-ordered dict id -> entry, plus a
parent index kind -> parent -> ordered ids, so `list(kind, parent=X)` costs O(children of X).

Transactions: `with db.transaction() as tx:` holds the database lock (an RLock, one writer at a
time), journals the previous value of every key it changes, and on leaving either commits (the
changed keys are written to SQLite in one SQLite transaction) or, on an exception or
`tx.rollback()`, restores the journal.  A mutation made outside any transaction commits at once.

SQLite (`--state FILE`): one table `objects(scope, kind, id, parent, seq, json)`; loaded on start.
Kinds starting with `_` are the framework's own bookkeeping (seeded scopes, the clock offset).
"""
import json
import sqlite3
import threading

_MISSING = object()


def clone(value):
    """A deep copy of a JSON-like value; refuses anything JSON cannot hold (TypeError)."""
    t = type(value)
    if t is dict:
        out = {}
        for k, v in value.items():
            key_type = type(k)
            if key_type is not str:  # exactly str: a str subclass key is refused, as before
                raise TypeError("store objects need string keys, got %r" % (k,))
            out[k] = clone(v)
        return out
    if t is list or t is tuple:
        return [clone(v) for v in value]
    if value is None or t is str or t is int or t is float or t is bool:
        return value
    if isinstance(value, (str, int, float)):  # subclasses (e.g. IntEnum): keep the plain value
        return value
    raise TypeError("store objects must be JSON-serialisable, got %s" % t.__name__)


def _scope_key(scope):
    return json.dumps(list(scope), separators=(",", ":"))


def _insert_ordered(d, key, value, seq, seq_of_value, seq_of_key=None):
    """Insert into an insertion-ordered dict so that it stays sorted by seq (appending is the fast path)."""
    if d:
        last_key = next(reversed(d))
        last_seq = seq_of_key(last_key) if seq_of_key else seq_of_value(d[last_key])
        if last_seq > seq:
            items = list(d.items())
            items.append((key, value))
            items.sort(key=(lambda kv: seq_of_key(kv[0])) if seq_of_key else (lambda kv: seq_of_value(kv[1])))
            d.clear()
            d.update(items)
            return
    d[key] = value


class _Entry(object):
    __slots__ = ("obj", "parent", "seq")

    def __init__(self, obj, parent, seq):
        self.obj, self.parent, self.seq = obj, parent, seq


class _Scope(object):
    __slots__ = ("kinds", "children")

    def __init__(self):
        self.kinds = {}     # kind -> {id: _Entry}
        self.children = {}  # kind -> {parent: {id: None}}


class Transaction(object):
    def __init__(self, db):
        self.db = db
        self.journal = []   # (scope, kind, id, previous _Entry or None)
        self.rolled_back = False
        self.committed = False

    @property
    def changed(self):
        return bool(self.journal)

    def rollback(self):
        """Undo everything this transaction changed (it stays open; later changes are journaled)."""
        db = self.db
        for scope, kind, ident, prev in reversed(self.journal):
            db._apply(scope, kind, ident, prev)
        self.journal = []
        self.rolled_back = True

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        self.db._end(self, exc_type is None)
        return False


class Database(object):
    def __init__(self, path=None):
        self.lock = threading.RLock()
        self.path = path
        self._scopes = {}
        self._seq = 0
        self._tx = None
        self._conn = None
        if path:
            self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute(
                "CREATE TABLE IF NOT EXISTS objects (scope TEXT NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL, "
                "parent TEXT, seq INTEGER NOT NULL, json TEXT NOT NULL, PRIMARY KEY (scope, kind, id))")
            self._load()

    # ---------------------------------------------------------------------------------- loading
    def _load(self):
        rows = self._conn.execute("SELECT scope, kind, id, parent, seq, json FROM objects ORDER BY seq").fetchall()
        for scope_key, kind, ident, parent, seq, text in rows:
            scope = tuple(json.loads(scope_key))
            self._apply(scope, kind, ident, _Entry(json.loads(text), parent, seq))
            self._seq = max(self._seq, seq)

    def close(self):
        with self.lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    # ------------------------------------------------------------------------------ transactions
    def transaction(self):
        """Begin a transaction (holding the lock until it ends). Nested calls join the outer one."""
        self.lock.acquire()
        if self._tx is not None:
            return _Nested(self)
        self._tx = Transaction(self)
        return self._tx

    def _end(self, tx, ok):
        try:
            if ok and not tx.rolled_back:
                self._commit(tx.journal)
                tx.committed = True
            elif not tx.rolled_back:
                tx.rollback()
        finally:
            self._tx = None
            self.lock.release()

    def _commit(self, journal):
        if self._conn is None or not journal:
            return
        rows, seen = [], set()
        for scope, kind, ident, _prev in journal:
            key = (scope, kind, ident)
            if key in seen:
                continue
            seen.add(key)
            rows.append(key)
        self._write(rows)

    def _write(self, keys):
        conn = self._conn
        upserts, deletes = [], []
        for scope, kind, ident in keys:
            entry = self._scopes.get(scope, _EMPTY).kinds.get(kind, {}).get(ident)
            sk = _scope_key(scope)
            if entry is None:
                deletes.append((sk, kind, ident))
            else:
                upserts.append((sk, kind, ident, entry.parent, entry.seq,
                                json.dumps(entry.obj, separators=(",", ":"), ensure_ascii=False)))
        conn.execute("BEGIN")
        try:
            if deletes:
                conn.executemany("DELETE FROM objects WHERE scope=? AND kind=? AND id=?", deletes)
            if upserts:
                conn.executemany("INSERT OR REPLACE INTO objects (scope, kind, id, parent, seq, json) "
                                 "VALUES (?, ?, ?, ?, ?, ?)", upserts)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    # --------------------------------------------------------------------------- low-level edits
    def _apply(self, scope, kind, ident, entry):
        """Set (entry) or remove (None) one key, keeping creation order (seq) and the parent index."""
        sc = self._scopes.get(scope)
        if sc is None:
            if entry is None:
                return
            sc = self._scopes[scope] = _Scope()
        table = sc.kinds.get(kind)
        if table is None:
            if entry is None:
                return
            table = sc.kinds[kind] = {}
        old = table.get(ident)
        if old is not None and old.parent is not None and (entry is None or old.parent != entry.parent):
            by_parent = sc.children.get(kind, {})
            kids = by_parent.get(old.parent)
            if kids is not None:
                kids.pop(ident, None)
                if not kids:
                    del by_parent[old.parent]
        if entry is None:
            table.pop(ident, None)
            return
        if old is not None and old.seq == entry.seq:
            table[ident] = entry            # an update keeps its place
        else:
            table.pop(ident, None)
            _insert_ordered(table, ident, entry, entry.seq, lambda e: e.seq)
        if entry.parent is not None and (old is None or old.parent != entry.parent or old.seq != entry.seq):
            kids = sc.children.setdefault(kind, {}).setdefault(entry.parent, {})
            kids.pop(ident, None)
            _insert_ordered(kids, ident, None, entry.seq, None, seq_of_key=lambda i: table[i].seq)

    def _change(self, scope, kind, ident, entry):
        with self.lock:
            sc = self._scopes.get(scope)
            prev = sc.kinds.get(kind, {}).get(ident) if sc is not None else None
            if prev is None and entry is None:
                return False
            if self._tx is not None:
                self._tx.journal.append((scope, kind, ident, prev))
                self._apply(scope, kind, ident, entry)
            else:
                self._apply(scope, kind, ident, entry)
                if self._conn is not None:
                    self._write([(scope, kind, ident)])
            return True

    def _next_seq(self):
        self._seq += 1
        return self._seq

    # ------------------------------------------------------------------------------------ api
    def scope(self, *scope):
        """A ScopedStore view: db.scope(account, region) or db.scope(account)."""
        return ScopedStore(self, tuple(scope))

    def scopes(self):
        with self.lock:
            return [s for s, sc in self._scopes.items() if any(sc.kinds.values())]

    def reset(self):
        """Forget everything (memory and SQLite)."""
        with self.lock:
            self._scopes = {}
            if self._tx is not None:
                self._tx.journal = []
            if self._conn is not None:
                self._conn.execute("DELETE FROM objects")

    def put(self, scope, kind, ident, obj, parent=None):
        if not isinstance(obj, dict):
            raise TypeError("store objects are dicts")
        if not isinstance(ident, str) or not ident:
            raise TypeError("store ids are non-empty strings, got %r" % (ident,))
        if parent is not None and not isinstance(parent, str):
            raise TypeError("store parents are strings, got %r" % (parent,))
        obj = clone(obj)
        with self.lock:
            sc = self._scopes.get(scope)
            prev = sc.kinds.get(kind, {}).get(ident) if sc is not None else None
            seq = prev.seq if prev is not None else self._next_seq()
            self._change(scope, kind, ident, _Entry(obj, parent, seq))

    def get(self, scope, kind, ident):
        sc = self._scopes.get(scope)
        if sc is None:
            return None
        entry = sc.kinds.get(kind, {}).get(ident)
        return clone(entry.obj) if entry is not None else None

    def delete(self, scope, kind, ident):
        return self._change(scope, kind, ident, None)

    def list(self, scope, kind, parent=None):
        with self.lock:
            sc = self._scopes.get(scope)
            if sc is None:
                return []
            table = sc.kinds.get(kind)
            if not table:
                return []
            if parent is None:
                return [clone(e.obj) for e in table.values()]
            ids = sc.children.get(kind, {}).get(parent)
            if not ids:
                return []
            return [clone(table[i].obj) for i in ids]

    def ids(self, scope, kind, parent=None):
        with self.lock:
            sc = self._scopes.get(scope)
            if sc is None:
                return []
            if parent is None:
                return list(sc.kinds.get(kind, {}))
            return list(sc.children.get(kind, {}).get(parent, {}))

    def count(self, scope, kind, parent=None):
        sc = self._scopes.get(scope)
        if sc is None:
            return 0
        if parent is None:
            return len(sc.kinds.get(kind, {}))
        return len(sc.children.get(kind, {}).get(parent, {}))

    def parent_of(self, scope, kind, ident):
        sc = self._scopes.get(scope)
        entry = sc.kinds.get(kind, {}).get(ident) if sc is not None else None
        return entry.parent if entry is not None else None


class _Nested(object):
    """A transaction() call inside an open one: joins it (the outer one decides)."""

    def __init__(self, db):
        self.db = db
        self.tx = db._tx

    def __enter__(self):
        return self.tx

    def __exit__(self, exc_type, exc, tb):
        self.db.lock.release()
        return False


_EMPTY = _Scope()


class ScopedStore(object):
    """The store a handler sees: one scope of the database."""

    __slots__ = ("db", "scope")

    def __init__(self, db, scope):
        self.db = db
        self.scope = scope

    def get(self, kind, ident):
        """A copy of the object, or None."""
        return self.db.get(self.scope, kind, ident)

    def put(self, kind, ident, obj, parent=None):
        """Create or replace an object (a JSON-serialisable dict); `parent` feeds the parent index."""
        self.db.put(self.scope, kind, ident, obj, parent=parent)

    def delete(self, kind, ident):
        """Remove an object; True when it existed."""
        return self.db.delete(self.scope, kind, ident)

    def list(self, kind, parent=None):
        """Copies of the objects of a kind (optionally only the children of `parent`), creation order."""
        return self.db.list(self.scope, kind, parent=parent)

    def ids(self, kind, parent=None):
        return self.db.ids(self.scope, kind, parent=parent)

    def count(self, kind, parent=None):
        return self.db.count(self.scope, kind, parent=parent)

    def parent_of(self, kind, ident):
        return self.db.parent_of(self.scope, kind, ident)

    def __repr__(self):
        return "ScopedStore(%r)" % (self.scope,)
