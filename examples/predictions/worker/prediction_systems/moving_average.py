"""A baseline prediction system: the moving average of recent games."""


class MovingAverage:
    def __init__(self, window: int = 10):
        self.window = window

    def predict(self, player_id):
        return {"system": "moving_average", "player": player_id, "points": 0.0}
