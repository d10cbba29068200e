"""Reads the player registry shared by all services."""


class RegistryReader:
    def __init__(self):
        self._known = set()

    def exists(self, player_id) -> bool:
        return player_id is not None
