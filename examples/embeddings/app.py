"""Embeddings service: the model is loaded when gunicorn imports the module, in every worker."""
from flask import Flask, jsonify, request
from sentence_transformers import SentenceTransformer

app = Flask(__name__)
model = SentenceTransformer("all-MiniLM-L6-v2")


@app.post("/embed")
def embed():
    texts = request.get_json(force=True).get("texts", [])
    return jsonify(vectors=model.encode(texts).tolist())
