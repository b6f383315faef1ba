"""schemathesis hooks for .ci/fuzz.sh.

A client makes a fresh Idempotency-Key for each new write; schemathesis draws
keys from a small space and reuses them across unrelated requests. With a
reused key and the same body the providers replay the first response (billing.io's
idempotency guide), even after that endpoint was deleted, which the stateful
phase would read as a lost resource. So every schema-valid request gets a fresh
key; negative cases keep the generated (malformed) one.
"""

import uuid

import schemathesis


@schemathesis.hook
def before_call(context, case, kwargs):
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or not case.headers:
        return
    for name in list(case.headers):
        if name.lower() == "idempotency-key":
            case.headers[name] = str(uuid.uuid4())
