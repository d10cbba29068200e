"""Tracks how many predictions of a batch are done."""


class ProgressTracker:
    def __init__(self):
        self.total = 0
        self.done = 0

    def begin(self, total: int) -> None:
        self.total = total
        self.done = 0
