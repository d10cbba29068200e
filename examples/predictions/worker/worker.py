"""Prediction worker: receives a player id over Pub/Sub push and writes predictions."""
import logging
import os

from flask import Flask, jsonify, request

from system_circuit_breaker import SystemCircuitBreaker
from execution_logger import ExecutionLogger
from shared.utils.player_registry import RegistryReader
from prediction_systems.moving_average import MovingAverage
from prediction_systems.xgboost_model import XGBoostModel

app = Flask(__name__)
log = logging.getLogger("worker")
breaker = SystemCircuitBreaker(threshold=5)
executions = ExecutionLogger(os.environ.get("EXECUTION_TABLE", "predictions.executions"))
registry = RegistryReader()
systems = [MovingAverage(), XGBoostModel()]


@app.get("/health")
def health():
    return jsonify(status="ok")


@app.post("/predict")
def predict():
    player = request.get_json(force=True).get("player_id")
    if not registry.exists(player):
        return jsonify(error="unknown player"), 404
    with breaker:
        results = [s.predict(player) for s in systems]
    executions.record(player, results)
    return jsonify(player_id=player, predictions=results)
