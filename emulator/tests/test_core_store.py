"""store.py: transactions, rollback, creation order, the parent index, scopes, SQLite persistence."""
import json
import sqlite3

import pytest

from ksyun_emulator.server import Emulator
from ksyun_emulator.store import Database, clone

V = "1999-01-01"  # the toy version of conftest.core_actions


def test_put_get_copies_and_json_only():
    db = Database()
    s = db.scope("AK", "cn-beijing-6")
    obj = {"A": [1, {"B": 2}], "_p": True}
    s.put("thing", "t1", obj)
    obj["A"].append(3)                      # the caller's later edits don't leak in
    got = s.get("thing", "t1")
    assert got == {"A": [1, {"B": 2}], "_p": True}
    got["A"].clear()                        # nor do edits of what get() returned
    assert s.get("thing", "t1")["A"] == [1, {"B": 2}]
    with pytest.raises(TypeError):
        s.put("thing", "t2", {"when": object()})
    with pytest.raises(TypeError):
        s.put("thing", "t3", {1: "int key"})
    with pytest.raises(TypeError):
        s.put("thing", 5, {})
    assert s.get("thing", "nope") is None and s.get("other", "t1") is None
    assert clone((1, 2)) == [1, 2]


def test_creation_order_update_and_delete():
    s = Database().scope("AK")
    for name in "abc":
        s.put("k", name, {"n": name})
    s.put("k", "a", {"n": "a2"})            # an update keeps its place
    assert [o["n"] for o in s.list("k")] == ["a2", "b", "c"]
    assert s.delete("k", "b") is True and s.delete("k", "b") is False
    s.put("k", "b", {"n": "b again"})       # re-created: now the newest
    assert [o["n"] for o in s.list("k")] == ["a2", "c", "b again"]
    assert s.count("k") == 3 and s.ids("k") == ["a", "c", "b"]


def test_parent_index():
    s = Database().scope("AK", "cn-beijing-6")
    for c in range(50):
        for n in range(20):
            s.put("node", "n-%d-%d" % (c, n), {"c": c, "n": n}, parent="c-%d" % c)
    assert s.count("node") == 1000 and s.count("node", parent="c-7") == 20
    assert [o["n"] for o in s.list("node", parent="c-7")] == list(range(20))
    assert s.list("node", parent="c-none") == [] and s.count("node", parent="c-none") == 0
    s.delete("node", "n-7-3")
    s.put("node", "n-7-4", {"moved": True}, parent="c-8")       # re-parenting
    assert s.count("node", parent="c-7") == 18 and s.count("node", parent="c-8") == 21
    assert s.parent_of("node", "n-7-4") == "c-8"
    # the index is a per-parent dict, so listing one parent never walks the others
    sc = s.db._scopes[s.scope]
    assert len(sc.children["node"]["c-7"]) == 18


def test_transaction_commit_and_rollback_on_error():
    db = Database()
    s = db.scope("AK", "r")
    s.put("k", "keep", {"v": 1})
    s.put("k", "gone", {"v": 1})
    with pytest.raises(RuntimeError):
        with db.transaction():
            s.put("k", "keep", {"v": 2})
            s.put("k", "new", {"v": 1}, parent="p")
            s.delete("k", "gone")
            raise RuntimeError("handler failed")
    assert s.get("k", "keep") == {"v": 1} and s.get("k", "new") is None and s.get("k", "gone") == {"v": 1}
    assert s.ids("k") == ["keep", "gone"] and s.count("k", parent="p") == 0
    with db.transaction() as tx:
        s.put("k", "new", {"v": 1})
        assert tx.changed
    assert s.get("k", "new") == {"v": 1}


def test_explicit_rollback_restores_order_after_delete_and_recreate():
    db = Database()
    s = db.scope("AK")
    for name in "abcd":
        s.put("k", name, {"n": name}, parent="P")
    with db.transaction() as tx:
        s.delete("k", "b")
        s.put("k", "b", {"n": "B"}, parent="Q")
        s.delete("k", "a")
        tx.rollback()
    assert s.ids("k") == ["a", "b", "c", "d"] and s.get("k", "b") == {"n": "b"}
    assert s.ids("k", parent="P") == ["a", "b", "c", "d"] and s.ids("k", parent="Q") == []


def test_nested_transactions_join_the_outer_one():
    db = Database()
    s = db.scope("AK")
    with pytest.raises(ValueError):
        with db.transaction():
            with db.transaction():
                s.put("k", "x", {})
            raise ValueError()
    assert s.get("k", "x") is None


def test_scopes_are_isolated():
    db = Database()
    a, b = db.scope("AK1", "cn-beijing-6"), db.scope("AK2", "cn-beijing-6")
    a_sh, a_acct = db.scope("AK1", "cn-shanghai-2"), db.scope("AK1")
    a.put("cluster", "c1", {"owner": "AK1"})
    assert b.get("cluster", "c1") is None and b.list("cluster") == [] and b.count("cluster") == 0
    assert a_sh.get("cluster", "c1") is None and a_acct.get("cluster", "c1") is None
    assert b.delete("cluster", "c1") is False and a.get("cluster", "c1") == {"owner": "AK1"}


def test_sqlite_write_through_and_reload(tmp_path):
    path = str(tmp_path / "state.sqlite")
    db = Database(path)
    s = db.scope("AK", "cn-beijing-6")
    s.put("k", "a", {"v": "中文"}, parent="p")
    s.put("k", "b", {"v": 2})
    with db.transaction():
        s.put("k", "c", {"v": 3})
        s.delete("k", "b")
    with pytest.raises(KeyError):
        with db.transaction():
            s.put("k", "rolled-back", {"v": 4})
            raise KeyError()
    rows = sqlite3.connect(path).execute("SELECT scope, kind, id, parent, json FROM objects ORDER BY seq").fetchall()
    assert rows == [('["AK","cn-beijing-6"]', "k", "a", "p", json.dumps({"v": "中文"}, ensure_ascii=False,
                                                                        separators=(",", ":"))),
                    ('["AK","cn-beijing-6"]', "k", "c", None, '{"v":3}')]
    db.close()
    again = Database(path).scope("AK", "cn-beijing-6")
    assert again.ids("k") == ["a", "c"] and again.get("k", "a") == {"v": "中文"}
    assert again.ids("k", parent="p") == ["a"]
    again.put("k", "d", {})
    assert again.ids("k") == ["a", "c", "d"]   # the sequence continues after the loaded rows
    again.db.reset()
    assert Database(path).scope("AK", "cn-beijing-6").ids("k") == []


def test_emulator_state_survives_restart(core_actions, signed, tmp_path):
    path = str(tmp_path / "emu.sqlite")
    e = Emulator(state=path, world={"regions": {}})
    e.start()
    try:
        assert signed(e, "PutThing", {"Name": "kept"}, version=V, method="POST")[0] == 200
        assert signed(e, "PutThing", {"Name": "no", "Explode": "true"}, version=V, method="POST")[0] == 400
        e.advance(100)
    finally:
        e.stop()
    e2 = Emulator(state=path, world={"regions": {}})
    e2.start()
    try:
        status, body = signed(e2, "GetThings", {}, version=V)
        assert status == 200 and [t["Name"] for t in body["Things"]] == ["kept"]
        import time
        assert e2.now() - time.time() == pytest.approx(100, abs=5)   # the advanced clock persisted
    finally:
        e2.stop()


def test_accounts_do_not_see_each_other(core_actions, signed):
    e = Emulator(accounts={"AK1": "s1", "AK2": "s2"}, world={"regions": {}})
    e.start()
    try:
        assert signed(e, "PutThing", {"Name": "mine"}, version=V, method="POST")[0] == 200
        status, body = signed(e, "GetThings", {}, version=V, access_key="AK2", secret_key="s2")
        assert status == 200 and body["Things"] == [] and body["TotalCount"] == 0
        status, body = signed(e, "GetThings", {}, version=V, region="cn-shanghai-2")
        assert body["Things"] == []                  # another region of the same account
        assert [t["Name"] for t in signed(e, "GetThings", {}, version=V)[1]["Things"]] == ["mine"]
    finally:
        e.stop()


def test_world_is_seeded_once_per_account_and_region(signed):
    world = {"regions": {"cn-beijing-6": {"vpcs": [{"VpcId": "vpc-1", "VpcName": "one", "CidrBlock": "10.0.0.0/16"}]}}}
    e = Emulator(world=world)
    e.start()
    try:
        s = e.region_store()
        assert s.get("vpc", "vpc-1")["VpcName"] == "one"
        s.put("vpc", "vpc-1", {"VpcId": "vpc-1", "VpcName": "changed"})
        assert e.region_store().get("vpc", "vpc-1")["VpcName"] == "changed"    # not re-seeded
        assert e.region_store(region="cn-shanghai-2").list("vpc") == []
        e.reset()
        assert e.region_store().get("vpc", "vpc-1")["VpcName"] == "one"          # reset forgets, re-seeds
    finally:
        e.stop()


def test_world_file_and_bad_world(tmp_path):
    path = tmp_path / "world.json"
    path.write_text(json.dumps({"regions": {"eu-east-1": {"images": [{"ImageId": "img-1", "ImageName": "x",
                                                                      "ImageType": "public"}]}}}))
    e = Emulator(world=str(path))
    try:
        assert e.region_store(region="eu-east-1").get("image", "img-1")["ImageName"] == "x"
        assert e.region_store().list("image") == []     # the file replaces the default world
    finally:
        e.stop()
    path.write_text(json.dumps({"regions": {"eu-east-1": {"planets": []}}}))
    with pytest.raises(ValueError):
        Emulator(world=str(path))
