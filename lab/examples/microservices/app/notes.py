"""A notes microservice backed by PostgreSQL on the lab's database VM.

POST /notes          body = the note's text -> 201 {"id", "writtenBy"}
GET  /notes/<id>     -> 200 {"id", "body", "writtenBy", "readBy", "database": {server, client}}
GET  /health         -> 200 once the database answers (the lab's readiness check), else 503

Every request opens its own connection to $DB_HOST (a lab DNS name), so what the suite sees went
over the lab network each time; `database` reports both ends of that connection as PostgreSQL saw them.
"""
import json
import os
import re
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psycopg2

NAME = os.environ["APP_NAME"]
PORT = int(os.environ.get("PORT", "8080"))
DSN = {
    "host": os.environ["DB_HOST"],
    "port": int(os.environ.get("DB_PORT", "5432")),
    "dbname": os.environ["DB_NAME"],
    "user": os.environ["DB_USER"],
    "password": os.environ["DB_PASSWORD"],
    "connect_timeout": 5,
}
NOTE_PATH = re.compile(r"^/notes/(\d+)$")


def query(sql, params=()):
    """One statement in its own connection and transaction (committed when it succeeds)."""
    connection = psycopg2.connect(**DSN)
    try:
        with connection, connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    finally:
        connection.close()


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/health":
            return self.guarded(lambda: self.reply(200, {"ok": query("SELECT 1")[0] == 1, "app": NAME}), failure=503)
        match = NOTE_PATH.match(self.path)
        if not match:
            return self.reply(404, {"error": f"no route {self.path}"})
        return self.guarded(lambda: self.read_note(int(match.group(1))))

    def do_POST(self):
        if self.path != "/notes":
            return self.reply(404, {"error": f"no route {self.path}"})
        body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
        return self.guarded(lambda: self.write_note(body))

    def write_note(self, body):
        (note_id,) = query("INSERT INTO notes (body, written_by) VALUES (%s, %s) RETURNING id", (body, NAME))
        return self.reply(201, {"id": note_id, "writtenBy": NAME})

    def read_note(self, note_id):
        row = query(
            "SELECT id, body, written_by, host(inet_server_addr()), host(inet_client_addr()) FROM notes WHERE id = %s",
            (note_id,),
        )
        if row is None:
            return self.reply(404, {"error": f"no note {note_id}", "readBy": NAME})
        return self.reply(200, {"id": row[0], "body": row[1], "writtenBy": row[2], "readBy": NAME, "database": {"server": row[3], "client": row[4]}})

    def guarded(self, action, failure=500):
        try:
            return action()
        except psycopg2.Error as error:
            return self.reply(failure, {"error": str(error).strip(), "app": NAME})

    def reply(self, status, payload):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, fmt, *args):
        print(f"{self.address_string()} {fmt % args}", flush=True)


print(f"{NAME} listening on :{PORT}, database {DSN['host']}:{DSN['port']}/{DSN['dbname']}", flush=True)
ThreadingHTTPServer(("0.0.0.0", PORT), Handler).serve_forever()
