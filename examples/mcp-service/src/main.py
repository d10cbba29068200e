"""MCP service: answers tool calls for the agents."""
from fastapi import FastAPI

from database import Database
from services.summarizer import summarize

app = FastAPI()
db = Database()


@app.get("/health")
def health():
    return {"status": "ok"}


@app.post("/summarize")
def post_summarize(payload: dict):
    text = payload.get("text", "")
    summary = summarize(text)
    db.save({"text": text, "summary": summary})
    return {"summary": summary}
