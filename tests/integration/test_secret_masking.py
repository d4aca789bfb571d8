"""Secrets inside pass-through options stay hidden on every ansible-core the collection claims.

Up to 2.21 a module scrubs the values it adds to `no_log_values` from its own result; 2.22 replaced
that with registered secrets, which the controller masks in whatever it shows. `ansible-playbook -vvv`
with the invocation injected (ANSIBLE_INJECT_INVOCATION: 2.21+ returns the task's arguments only
then; earlier cores always) runs tasks that fail their argument validation while holding a KCI env
value marked secret and a KCE node password inside `node_para`: the failure names the option, the
arguments are shown (a plain env value is), the secrets are not. Runs in every cell of scripts/matrix.
"""
import os
import subprocess
import sys

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLLECTIONS = os.path.join(os.path.dirname(TESTS), ".collections")
SECRETS = ("Kci-Env-Secret-5f2c", "Kce-Node-Pass-5f2c", "Ksyun-SK-5f2c")

PLAY = """
- hosts: localhost
  gather_facts: false
  module_defaults:
    group/ksyun.cloud.ksyun:
      endpoint_url: http://127.0.0.1:9
      access_key: AKLTMASKING
      secret_key: Ksyun-SK-5f2c
      region: cn-beijing-6
  tasks:
    - name: a KCI env value marked secret, and a cpu that is not a number
      ksyun.cloud.kci_container_group:
        name: web
        subnet_id: subnet-1
        security_group_ids: [sg-1]
        cpu: lots
        containers:
          - name: app
            image: nginx
            env:
              - {name: MODE, value: Plain-Env-Value-5f2c}
              - {name: DB_PASSWORD, value: Kci-Env-Secret-5f2c, secret: true}
      register: kci
      ignore_errors: true
    - name: a node password inside node_para, and a wait_timeout that is not a number
      ksyun.cloud.kce_cluster:
        name: c1
        wait_timeout: soon
        instance_sets:
          - role: Worker
            node_para: [{InstancePassword: Kce-Node-Pass-5f2c}]
      register: kce
      ignore_errors: true
    - name: what the registered results say
      ansible.builtin.debug:
        msg: "{{ {'kci': kci.msg, 'kce': kce.msg} | to_json }}"
"""


def test_secrets_in_pass_through_options_never_shown(tmp_path):
    play = tmp_path / "play.yml"
    play.write_text(PLAY)
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith(("KSYUN_", "ANSIBLE_")))
    env.update(ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_LOCAL_TEMP=str(tmp_path / "tmp"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_INJECT_INVOCATION="1", ANSIBLE_PYTHON_INTERPRETER=sys.executable,
               ANSIBLE_DEPRECATION_WARNINGS="0")
    run = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-vvv", str(play)],
                         cwd=str(tmp_path), env=env, capture_output=True, text=True, timeout=600, check=False)
    out = run.stdout + run.stderr
    assert run.returncode == 0, out[-5000:]
    # both tasks failed naming the option, and showed the task's arguments (the plain value)
    assert "'cpu'" in out and "'wait_timeout'" in out, out[-5000:]
    assert "Plain-Env-Value-5f2c" in out, out[-5000:]
    for secret in SECRETS:
        assert secret not in out, "%s shown:\n%s" % (secret, out[-5000:])
