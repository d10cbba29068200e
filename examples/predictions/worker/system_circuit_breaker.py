"""Stops calling a failing prediction system for a while."""
import time


class SystemCircuitBreaker:
    def __init__(self, threshold: int = 5, cooldown: float = 60.0):
        self.threshold = threshold
        self.cooldown = cooldown
        self.failures = 0
        self.opened_at = 0.0

    def __enter__(self):
        if self.failures >= self.threshold and time.time() - self.opened_at < self.cooldown:
            raise RuntimeError("circuit open")
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.failures = 0
        else:
            self.failures += 1
            self.opened_at = time.time()
        return False
