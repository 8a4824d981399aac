"""Password hashing with argon2id.

Parameters follow OWASP's password storage cheat sheet minimum for argon2id
(m=19 MiB, t=2, p=1): about 30-60 ms a hash on one core, affordable on a
256 MiB / 1/6 vCPU function and costly for an attacker. Hashes carry their own
parameters, so raising them later rehashes on the next login.

    >>> hasher = PasswordHasher()
    >>> hasher.verify(hasher.hash("correct horse"), "correct horse")
    True
"""

from __future__ import annotations

import argon2

TIME_COST = 2
MEMORY_COST_KIB = 19 * 1024
PARALLELISM = 1
# argon2id of "not-a-real-password" with the parameters above (a test checks they match).
DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$aIXs7MDMWhAo6fGTmlE1Yw$CgtXD+XcNwTnfsMInmbBoD00fTOAKNDEmkQikG0dc7g"


class PasswordHasher:
    def __init__(self, time_cost: int = TIME_COST, memory_cost: int = MEMORY_COST_KIB, parallelism: int = PARALLELISM):
        self._hasher = argon2.PasswordHasher(
            time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism, type=argon2.Type.ID
        )
        # Verifying against this when the account does not exist keeps the timing of "no such
        # user" and "wrong password" alike. Precomputed: hashing it here cost every auth
        # function one argon2 hash (~0.1 s at 1 vCPU) at cold start; it must carry this
        # hasher's parameters (else the verify would take a different time), or it is made now.
        self._dummy = DUMMY_HASH
        if self._hasher.check_needs_rehash(DUMMY_HASH):
            self._dummy = self._hasher.hash("not-a-real-password")

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, hashed: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(hashed or self._dummy, password) and hashed is not None
        except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
            return False

    def needs_rehash(self, hashed: str) -> bool:
        return self._hasher.check_needs_rehash(hashed)
