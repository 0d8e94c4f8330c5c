#!/usr/bin/python3
"""A GStreamer RTSP server (gst-rtsp-server via PyGObject, Debian packages) that serves one MP4
file as a camera would: H.264 as it is (B-frames and all) and its AAC track, two RTP streams in
one session. For tests of sources the simulator does not make (its relay carries H.264 only).

    rtsp-clip-server.py /path/clip.mp4

stdout: `ready {"port": P}` once listening; the clip is at rtsp://127.0.0.1:P/clip. Each client
gets its own pipeline from the clip's start, played at its own rate. Closing stdin stops it.
"""
import json
import sys
import threading

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


def main():
    clip = sys.argv[1]
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service("0")
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(
        '( filesrc location=%s ! qtdemux name=d '
        "d.video_0 ! queue ! h264parse ! rtph264pay name=pay0 pt=96 config-interval=-1 "
        "d.audio_0 ! queue ! aacparse ! rtpmp4gpay name=pay1 pt=97 )" % json.dumps(clip)
    )
    server.get_mount_points().add_factory("/clip", factory)
    server.attach(None)
    loop = GLib.MainLoop()

    def read_stdin():
        for _line in sys.stdin:
            pass
        GLib.idle_add(loop.quit)

    threading.Thread(target=read_stdin, daemon=True).start()
    sys.stdout.write("ready " + json.dumps({"port": server.get_bound_port()}) + "\n")
    sys.stdout.flush()
    loop.run()


if __name__ == "__main__":
    main()
