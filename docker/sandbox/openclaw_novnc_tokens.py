"""websockify token plugin of the browser sandbox: each token opens one viewer connection.

openclaw-novnc-link writes a file named after a fresh token (its content: the VNC host:port).
The first WebSocket that presents the token renames the file away, so a second use of the same
link finds nothing, even when two connections race (rename is atomic). Tokens older than ten
minutes are refused.
"""
import os
import re
import time

from websockify.token_plugins import BasePlugin

TOKEN = re.compile(r"^[A-Za-z0-9]{32}$")
MAX_AGE_SECONDS = 600


class OneTimeTokens(BasePlugin):
    def lookup(self, token):
        if not token or not TOKEN.match(token):
            return None
        path = os.path.join(self.source, token)
        claimed = path + ".used"
        try:
            os.rename(path, claimed)
        except OSError:
            return None
        try:
            age = time.time() - os.stat(claimed).st_mtime
            with open(claimed, encoding="ascii") as handle:
                target = handle.read().strip()
        except OSError:
            return None
        finally:
            try:
                os.unlink(claimed)
            except OSError:
                pass
        if age > MAX_AGE_SECONDS:
            return None
        host, _, port = target.rpartition(":")
        return (host, port) if host and port.isdigit() else None
