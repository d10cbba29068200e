"""Stores results in Redis (TLS in production)."""
import os

import redis


class Database:
    def __init__(self):
        url = os.environ.get("REDIS_URL", "redis://localhost:6379/0")
        self.client = redis.Redis.from_url(url, ssl=url.startswith("rediss://"))

    def save(self, row: dict) -> None:
        if row.get("summary"):
            self.client.hset("summaries", row["text"][:64], row["summary"])
          else:
            self.client.incr("empty_summaries")
