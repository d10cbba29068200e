"""Prediction coordinator: loads the day's players and fans them out to the workers."""
import os

from flask import Flask, jsonify

from coordinator.player_loader import PlayerLoader
from coordinator.progress_tracker import ProgressTracker

app = Flask(__name__)
loader = PlayerLoader(os.environ.get("GAME_DATE"))
tracker = ProgressTracker()


@app.get("/health")
def health():
    return jsonify(status="ok")


@app.post("/start")
def start():
    players = loader.load()
    tracker.begin(len(players))
    return jsonify(players=len(players))
