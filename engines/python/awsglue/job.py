"""Job: init/commit, with job bookmarks kept in a local folder (AWSGLUE_LOCAL_STATE)."""
import json
import os


class Job:
    def __init__(self, glue_context):
        self._glue = glue_context
        self._name = None
        self._option = "job-bookmark-disable"
        self._state = {}
        self._pending = {}

    def _state_file(self):
        folder = os.environ.get("AWSGLUE_LOCAL_STATE")
        return os.path.join(folder, f"{self._name}.bookmark.json") if folder else None

    def init(self, job_name, args=None):
        self._name = job_name
        self._option = (args or {}).get("job_bookmark_option", "job-bookmark-disable")
        self._glue._job = self
        state_file = self._state_file()
        if self._option != "job-bookmark-disable" and state_file and os.path.exists(state_file):
            with open(state_file, encoding="utf-8") as f:
                self._state = json.load(f)

    def _bookmark_filter(self, ctx, files):
        if self._option == "job-bookmark-disable":
            return files
        seen = self._state.get(ctx, {})
        stamps = {f: os.path.getmtime(f) for f in files}
        fresh = [f for f in files if seen.get(f) != stamps[f]]
        self._pending[ctx] = {**seen, **{f: stamps[f] for f in fresh}}
        return fresh

    def commit(self):
        state_file = self._state_file()
        if self._option != "job-bookmark-enable" or not state_file:
            return
        os.makedirs(os.path.dirname(state_file), exist_ok=True)
        with open(state_file, "w", encoding="utf-8") as f:
            json.dump({**self._state, **self._pending}, f, indent=1, sort_keys=True)
