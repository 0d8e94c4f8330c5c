#!/usr/bin/python3
"""Simulated cameras' RTSP server (gst-rtsp-server 1.22 via PyGObject, Debian packages).

Run with /usr/bin/python3 (the Debian interpreter that has `gi`), not a pyenv one.

    rtsp-server.py '{"mounts": ["/cam/1000a000/main", ...]}'

Each mount is one *shared* media fed by RTP/H.264 on its own 127.0.0.1 UDP port:
    udpsrc ! rtpjitterbuffer mode=none ! rtph264depay ! h264parse ! rtph264pay name=pay0
The jitter buffer stamps frames by their RTP timestamps: without it the depayloader takes the
arrival time, and a publisher that sends in clumps (a looped clip with audio, read with -re,
arrives ~9 frames at once every ~360 ms) gave frames nearly equal timestamps, which a browser
shows at once and drops (a tile dropped 70 % of its frames).
An ffmpeg publisher (started by Node) sends RTP to that port. Why a relay: only
gst-rtsp-server among the servers tried here serves RTSP over TCP (LAB-NOTES section 1).
The server binds every mount's port (and the next one, for RTCP) at start-up and holds it;
each media's udpsrc reads from that socket instead of binding the port itself.

Protocol with the parent process (one line each, UTF-8):
  stdout  ready {"port": P, "udp": {"/cam/..": U, ...}}   once, when listening
  stdout  open /cam/..      a client asked for the mount: start its publisher now
  stdout  close /cam/..     the mount's media was torn down: the publisher may stop
  stdin   remove /cam/..    camera offline: new clients get 404
  stdin   add /cam/..       camera back online
Closing stdin (parent exit) stops the server, so it can never outlive the simulator.
"""
import json
import os
import socket
import sys
import threading

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import Gio, GLib, Gst, GstRtspServer  # noqa: E402

CAPS = "application/x-rtp,media=video,clock-rate=90000,encoding-name=H264,payload=96"


def emit(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


# Large receive buffer: a 720p keyframe is ~60 RTP packets sent back to back.
RTP_RCVBUF = 2097152


def reserve_rtp_port():
    """Binds an RTP port P and P + 1 on 127.0.0.1 and returns both sockets, held for good.

    Held, not just picked: a udpsrc binds its port only when the media is prepared (first
    client), and until then any process could take it from the ephemeral range, above all the
    ffmpeg publishers, which bind an ephemeral P and then P + 1 for RTCP. The mount then failed
    to prepare and answered every DESCRIBE with 503 (the live bench lost camera 26's sub stream
    that way for a whole run). P + 1 is held because each publisher sends its RTCP sender
    reports there: as another mount's RTP port it would feed that mount foreign packets.
    """
    refused = []
    try:
        while True:
            rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            rtp.bind(("127.0.0.1", 0))
            rtcp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                rtcp.bind(("127.0.0.1", rtp.getsockname()[1] + 1))
            except (OSError, OverflowError):
                # P + 1 is taken (or P is the last port): keep P until done so it is not drawn again.
                rtcp.close()
                refused.append(rtp)
                continue
            rtp.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RTP_RCVBUF)
            # Nobody reads the RTCP socket: the kernel drops what no longer fits its small buffer.
            rtcp.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            return rtp, rtcp
    finally:
        for s in refused:
            s.close()


def drain(sock):
    """Drops the datagrams queued while no media read the socket (stale frames, up to the buffer)."""
    while True:
        try:
            sock.recv(65536, socket.MSG_DONTWAIT)
        except BlockingIOError:
            return


class Factory(GstRtspServer.RTSPMediaFactory):
    def __init__(self, path):
        super().__init__()
        self.path = path
        self.rtp, self.rtcp = reserve_rtp_port()
        self.udp_port = self.rtp.getsockname()[1]
        # udpsrc reads a duplicate of the held socket; close-socket=false leaves it open when a
        # media is torn down, so the next media of the mount reads the same port.
        self.gsocket = Gio.Socket.new_from_fd(os.dup(self.rtp.fileno()))
        self.set_shared(True)
        self.set_launch(
            "( udpsrc name=rtpsrc close-socket=false caps=\"%s\" "
            "! rtpjitterbuffer mode=none latency=0 "
            "! rtph264depay ! h264parse ! rtph264pay name=pay0 pt=96 config-interval=-1 )"
            % CAPS
        )
        self.connect("media-configure", self.on_configure)

    def do_gen_key(self, url):
        # One shared media per mount, whatever the query. The default key includes the query, so
        # each client URL with its own token or session (Eagle Eye v3 appends esn, stream_session
        # and access_token) got a media of its own: a second udpsrc bound to the same UDP port
        # (SO_REUSEADDR), and the kernel gives each datagram to one socket only. One media then
        # starved: its DESCRIBE waited for a preroll that never came (ffmpeg: "Invalid data found
        # when processing input" after its timeout) or its running readers stalled. A camera
        # serves one stream per path and uses the query only to authorize.
        return self.path

    def on_configure(self, _factory, media):
        # The publisher may have run with no media reading (an HTTP consumer holds it): start live.
        drain(self.rtp)
        media.get_element().get_by_name("rtpsrc").set_property("socket", self.gsocket)
        emit("open " + self.path)
        media.connect("unprepared", lambda _m: emit("close " + self.path))


def main():
    config = json.loads(sys.argv[1])
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service("0")
    # One thread per client (the default is one thread for all): DESCRIBE of a mount that is not
    # publishing yet blocks its thread until the publisher's first keyframe prerolls the media.
    # With one thread, N cold mounts opened at once were prerolled one after the other and every
    # other client's requests (SETUP, PLAY, even of warm mounts) waited behind them.
    server.get_thread_pool().set_max_threads(-1)
    mounts = server.get_mount_points()
    factories = {}
    udp = {}
    for path in config["mounts"]:
        factories[path] = Factory(path)
        udp[path] = factories[path].udp_port
        mounts.add_factory(path, factories[path])
    server.attach(None)
    loop = GLib.MainLoop()

    def on_command(line):
        parts = line.strip().split(" ", 1)
        if len(parts) != 2 or parts[1] not in factories:
            return False
        verb, path = parts
        if verb == "remove":
            mounts.remove_factory(path)
        elif verb == "add":
            mounts.add_factory(path, factories[path])
        return False

    def read_stdin():
        for line in sys.stdin:
            GLib.idle_add(on_command, line)
        GLib.idle_add(loop.quit)

    threading.Thread(target=read_stdin, daemon=True).start()
    emit("ready " + json.dumps({"port": server.get_bound_port(), "udp": udp}))
    loop.run()


if __name__ == "__main__":
    main()
