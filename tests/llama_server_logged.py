"""llama-cpp-python's OpenAI-compatible server, with a request log: one line per chat request, naming the part.

Usage: python llama_server_logged.py MODEL.gguf PORT LOGFILE
"""

import json
import re
import sys

import uvicorn
from llama_cpp.server.app import create_app
from llama_cpp.server.settings import ModelSettings, ServerSettings


def main() -> None:
    model, port, log_path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    app = create_app(server_settings=ServerSettings(host="127.0.0.1", port=port),
                     model_settings=[ModelSettings(model=model, model_alias="smollm2", n_ctx=4096, verbose=False)])

    @app.middleware("http")
    async def log_requests(request, call_next):
        if request.url.path.endswith("/chat/completions"):
            body = json.loads(await request.body() or b"{}")
            prompt = body.get("messages", [{}])[-1].get("content", "")
            part = re.search(r"\*\*([0-9][0-9a-z.]*)\*\*", prompt)
            with open(log_path, "a") as log:
                log.write(json.dumps({"part": part.group(1) if part else None}) + "\n")
        return await call_next(request)

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()
