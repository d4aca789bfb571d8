# -*- coding: utf-8 -*-
# Copyright: ksyun.cloud developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one exception type of the ksyun.cloud client layer.

This is a private module of the ksyun.cloud collection; it may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

#: codes the client gives to failures that are not an API error answer
TRANSPORT_CODES = ("ConnectionError", "ConnectTimeout", "ReadTimeout", "SSLError", "InvalidResponse",
                   "TransportError", "PaginationError")

#: what to check after an answer that refuses the credentials: (code, text in the message or None, hint);
#: the first that matches wins. The options and their environment variables, as the missing-credential
#: message names them.
CREDENTIAL_HINTS = (
    ("SignatureDoesNotMatch", "valid region",
     "check the region: the option region (regions in an inventory file) or the environment variable "
     "KSYUN_REGION (this service does not know it)"),
    ("SignatureDoesNotMatch", "correct service",
     "check the endpoint: the option endpoint_url or the environment variable KSYUN_ENDPOINT_URL "
     "(it sends this service's requests to another service)"),
    ("SignatureDoesNotMatch", "expired", "check the clock of the machine the module runs on (NTP)"),
    ("SignatureDoesNotMatch", "Date in Credential", "check the clock of the machine the module runs on (NTP)"),
    ("SignatureDoesNotMatch", None,
     "check the secret key: the option secret_key or the environment variable KSYUN_SECRET_KEY (it must be "
     "the secret of the access key)"),
    ("InvalidClientTokenId", None,
     "check the access key: the option access_key or the environment variable KSYUN_ACCESS_KEY (and "
     "endpoint_url or KSYUN_ENDPOINT_URL: a key of one endpoint is unknown to another)"),
)
#: a host name that does not resolve, when the region is part of it (the default endpoint, or {region})
REGION_HOST_HINT = ("check the region: the option region (regions in an inventory file) or the environment variable "
                    "KSYUN_REGION (the host name of an unknown region has no address), and endpoint_url or "
                    "KSYUN_ENDPOINT_URL")
ENDPOINT_HOST_HINT = "check the endpoint: the option endpoint_url or the environment variable KSYUN_ENDPOINT_URL"


def credential_hint(code, message):
    """What to check after an error answer that refuses the credentials, or None."""
    for known, text, hint in CREDENTIAL_HINTS:
        if code == known and (text is None or text in (message or "")):
            return hint
    return None


class KsyunError(Exception):
    """An API call that failed: an error answer, a transport failure or an unusable answer.

    Attributes: ``status`` (HTTP status, None when there was no answer), ``code``, ``message``,
    ``request_id``, ``action``, ``error_type`` (``Sender``/``Receiver`` when the answer said),
    ``attempts`` (how many requests were made), ``maybe_applied`` (True for a write that failed
    after it may have reached the server: the caller must re-read the state before deciding),
    ``hint`` (what to check, ending the text: for refused credentials, the option and its variable).

    Never carries request parameters, headers or secrets.
    """

    def __init__(self, code, message, status=None, request_id=None, action=None, error_type=None,
                 maybe_applied=False, attempts=1, hint=None):
        self.code = code or "UnknownError"
        self.message = message or ""
        self.status = status
        self.request_id = request_id
        self.action = action
        self.error_type = error_type
        self.maybe_applied = bool(maybe_applied)
        self.attempts = attempts
        self.hint = hint or credential_hint(self.code, self.message)
        super().__init__(self.__str__())

    @property
    def not_found(self):
        """True when the answer says the resource does not exist (code ``*NotFound`` or HTTP 404)."""
        return self.status == 404 or str(self.code).endswith("NotFound")

    @property
    def throttled(self):
        return self.code == "LimitExceeded" or self.status == 429

    def __str__(self):
        details = []
        if self.status is not None:
            details.append(f"HTTP {self.status}")
        if self.request_id:
            details.append(f"RequestId {self.request_id}")
        text = f"{self.action or 'request'} failed: {self.code}: {self.message}"
        if details:
            text += f" ({', '.join(details)})"
        if self.hint:
            text += "; " + self.hint
        return text

    def to_dict(self):
        """The error as returned to the user by modules (``error`` key of a failure)."""
        return dict(code=self.code, message=self.message, status=self.status, request_id=self.request_id,
                    action=self.action, maybe_applied=self.maybe_applied)


class WaitError(Exception):
    """A wait that ended without the resource becoming ready.

    ``reason`` is ``"failed"`` (the resource reached a failure state) or ``"timeout"``; ``state`` is
    the last state seen; ``elapsed`` the seconds waited.
    """

    def __init__(self, reason, state, elapsed, message=None):
        self.reason = reason
        self.state = state
        self.elapsed = elapsed
        if message is None:
            if reason == "timeout":
                message = f"not ready after {round(elapsed)} seconds"
            else:
                message = f"reached a failure state after {round(elapsed)} seconds"
        self.message = message
        super().__init__(message)
