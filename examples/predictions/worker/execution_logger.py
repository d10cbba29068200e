"""Records each prediction run."""
import json
import logging

log = logging.getLogger("executions")


class ExecutionLogger:
    def __init__(self, table: str):
        self.table = table

    def record(self, player_id, results) -> None:
        log.info(json.dumps({"table": self.table, "player": player_id, "results": results}))
