"""Loads the players who play on a given date."""


class PlayerLoader:
    def __init__(self, game_date):
        self.game_date = game_date

    def load(self):
        return []
