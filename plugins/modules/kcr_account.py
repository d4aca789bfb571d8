#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: kcr_account
short_description: Register the Kingsoft Cloud KCR registry account and set its password
version_added: 0.1.0
author:
  - ksyun.cloud developers (!UNKNOWN)
description:
  - Registers the account with the Kingsoft Cloud Container Registry (KCR), with the password used by
    C(docker login), through C(RegisterRepositoryAccount); changes that password with C(ModifyPassword).
  - No API action reads the registry account or its password, so the module cannot know the state
    without writing. With O(update_password=on_create) it sends C(RegisterRepositoryAccount) and takes
    the answer that means "already registered" as C(changed=false). With O(update_password=always) it
    sends C(ModifyPassword), which reports C(changed=true) (the API cannot say whether the password
    differed), and registers when the answer means "not registered".
  - The documents name no error for "already registered" or "not registered"; the codes the module
    expects (C(AccountAlreadyRegistered), C(AccountNotRegistered)) are not verified against the live
    API. Any other answer fails the task with the API's own code and message.
  - A write whose answer was lost is sent again (at most twice), because registering twice, or setting
    the same password twice, leaves the same state. When a resent C(RegisterRepositoryAccount) answers
    that the account is already registered, the first one may have registered it, so the task reports
    a change.
options:
  password:
    description:
      - The registry password. Never shown in the output, diff, errors or logs.
      - 8 to 32 characters with at least two of letters, digits and special characters (checked before
        any API call). The documents print two different lists of allowed special characters, so
        refusing a character is left to the API.
    type: str
    required: true
  update_password:
    description:
      - V(on_create) sets the password only when the account gets registered, like
        M(ansible.builtin.user).
      - V(always) sets it on every run (C(ModifyPassword)), registering the account when needed.
    type: str
    choices: [always, on_create]
    default: on_create
extends_documentation_fragment:
  - ksyun.cloud.common
  - ksyun.cloud.attributes
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: partial
    details:
      - No write is sent in check mode (not even with C(DryRun)), and no action can read the account, so
        check mode reports what a real run could do. With O(update_password=always) that is
        C(changed=true); with O(update_password=on_create) whether the account is registered cannot be
        known, so it reports C(changed=true) and says so in RV(check_mode_note).
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check mode), when in diff mode.
    support: partial
    details:
      - The password cannot be read, so the diff shows whether the account is registered and whether the
        password was set, never the password (masked). In check mode, where the state before is
        unknown, the diff is empty.
seealso:
  - module: ksyun.cloud.kcr_namespace
"""

EXAMPLES = r"""
- name: Register the registry account (an existing registration keeps its password)
  ksyun.cloud.kcr_account:
    password: "{{ vault_registry_password }}"

- name: Set the registry password on every run (rotation)
  ksyun.cloud.kcr_account:
    password: "{{ vault_registry_password }}"
    update_password: always
"""

RETURN = r"""
registered:
  description: Whether this run registered the account (C(RegisterRepositoryAccount) succeeded).
  returned: when not in check mode
  type: bool
  sample: true
password_updated:
  description: Whether this run changed the password of the registered account (C(ModifyPassword) succeeded).
  returned: when not in check mode
  type: bool
  sample: false
check_mode_note:
  description: In check mode with O(update_password=on_create), why C(changed) is only a possibility.
  returned: in check mode with O(update_password=on_create)
  type: str
  sample: the API cannot read the registry account ...
api_calls:
  description: The API actions made, in order (retries included), for building least-privilege policies.
  returned: when I(debug_api_calls=true)
  type: list
  elements: str
  sample: [RegisterRepositoryAccount]
"""

from ansible_collections.ksyun.cloud.plugins.module_utils._kcr import api as kcr
from ansible_collections.ksyun.cloud.plugins.module_utils._errors import KsyunError
from ansible_collections.ksyun.cloud.plugins.module_utils._resource import MASK, RESENDS, KsyunToolbox

CHECK_MODE_NOTE = ("the API cannot read the registry account, so check mode cannot know whether it is registered "
                   "already: a real run registers it (changed) or finds it registered (not changed)")


def check_password(password):
    """A message when the password breaks the documented rule (never quoting it), or None."""
    if not 8 <= len(password) <= 32:
        return "password must have 8 to 32 characters"
    classes = set()
    for ch in password:
        if ch.isascii() and ch.isalpha():
            classes.add("letters")
        elif ch.isascii() and ch.isdigit():
            classes.add("digits")
        else:
            classes.add("specials")
    if len(classes) < 2:
        return "password must contain at least two of letters, digits and special characters"
    return None


class KcrAccount(KsyunToolbox):
    label = "account"
    argument_spec = dict(
        password=dict(type="str", required=True, no_log=True),
        update_password=dict(type="str", choices=["always", "on_create"], default="on_create", no_log=False),
    )

    def __init__(self, module):
        super().__init__(module)
        self.resent = False

    def validate(self):
        return check_password(self.params["password"])

    def send(self, action):
        """Send `action(client, password)`: "done", or the ACCOUNT_ANSWERS key its error code means.

        Resending is safe (registering twice or setting the same password twice changes nothing), so a
        write whose answer was lost is sent again, at most RESENDS times; `self.resent` records it."""
        answers = {code: key for key, code in kcr.ACCOUNT_ANSWERS.items()}
        for attempt in range(RESENDS + 1):
            try:
                self.write(lambda: action(self.client, self.params["password"]))
                return "done"
            except KsyunError as err:
                if err.code in answers:
                    return answers[err.code]
                if not err.maybe_applied or attempt == RESENDS:
                    raise
                self.resent = True
        return None  # not reached

    def register(self):
        self.resent = False
        outcome = self.send(kcr.register_account)
        if outcome == "done":
            return True
        if outcome == "already_registered":
            return self.resent        # a resend after a lost answer: the first one may have registered it
        self.fail("RegisterRepositoryAccount answered that the account is not registered")

    def apply(self):
        self.before = self.after = {}
        if self.check_mode:
            self.changed = True
            if self.params["update_password"] == "on_create":
                self.result["check_mode_note"] = CHECK_MODE_NOTE
            return None
        registered = updated = False
        if self.params["update_password"] == "always":
            self.resent = False
            outcome = self.send(kcr.modify_password)
            if outcome == "not_registered":
                registered = self.register()
            elif outcome == "done":
                updated = True
            else:
                self.fail("ModifyPassword answered that the account is already registered")
        else:
            registered = self.register()
        self.changed = registered or updated
        self.before = dict(registered=False) if registered else dict(registered=True, password=MASK)
        self.after = dict(registered=True, password=MASK + " (new)" if self.changed else MASK)
        self.result.update(registered=registered, password_updated=updated)
        return None


def main():
    KcrAccount.run_module()


if __name__ == "__main__":
    main()
