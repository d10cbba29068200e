"""Summarises text with an LLM."""
import os

from openai import OpenAI

# FAKE key for the deploylint demo (the incident: a key pasted as a "temporary" fallback).
client = OpenAI(api_key=os.environ.get("OPENAI_API_KEY", "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"))


def summarize(text: str) -> str:
    if not text:
        return ""
    reply = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": f"Summarise: {text}"}],
    )
    return reply.choices[0].message.content
