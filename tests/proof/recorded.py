"""A playbook run of the proof suites against an emulator, with the proof_record callback: its
environment, and the records the callback wrote (callback_plugins/proof_record.py)."""
import json
import os

from ksyun_emulator.world import REGION

HERE = os.path.dirname(os.path.abspath(__file__))
COLLECTIONS = os.path.join(os.path.dirname(os.path.dirname(HERE)), ".collections")


def environ(work, emu, record, **more):
    """The environment of an ansible-playbook run: the collection, the emulator's account, the
    callback writing to `record`, and `more`."""
    return dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0",
                ANSIBLE_LOCAL_TEMP=os.path.join(work, "tmp"), ANSIBLE_CALLBACKS_ENABLED="proof_record",
                ANSIBLE_CALLBACK_PLUGINS=os.path.join(HERE, "callback_plugins"), PROOF_RECORD=record,
                KSYUN_ENDPOINT_URL=emu.url, KSYUN_ACCESS_KEY=emu.access_key, KSYUN_SECRET_KEY=emu.secret_key,
                KSYUN_REGION=REGION, **more)


def records(record):
    """The task records of a run, in order (none when the run wrote none)."""
    if not os.path.exists(record):
        return []
    with open(record) as f:
        return [json.loads(line) for line in f if line.strip()]
