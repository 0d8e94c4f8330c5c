/**
 * Stateful searches (search.web): each has a hex id like the seed's "0x257a8942", belongs to the
 * login session that made it (expiring the session kills it), and owns one play head shared by
 * every camera in it.
 */
import { randomBytes } from 'node:crypto';
import type { SimMedia } from '../types.js';
import { recordedFps, type CameraRef } from './cameras.js';
import { PlayHead, Timeline, frameCount, type Clip } from './playhead.js';

export interface Search {
  id: string;
  sessionId: string;
  startMs: number;
  endMs: number;
  cameras: CameraRef[];
  /** Recorded clips per camera id, clipped to the search range. */
  clips: Map<number, Clip[]>;
  head: PlayHead;
  /** Frame rate used for frame numbers and step.web (the first camera's). */
  fps: number;
  /** Play-head position of the last frame served per camera, for pacing. */
  lastServed: Map<number, number>;
}

/** Recorded clips of one camera in [startMs, endMs): segments clipped, touching ones merged. */
export function recordedClips(media: SimMedia, cameraIndex: number, startMs: number, endMs: number): Clip[] {
  const clips: Clip[] = [];
  for (const seg of media.segments(cameraIndex, startMs, endMs)) {
    const clip = { startMs: Math.max(seg.startMs, startMs), endMs: Math.min(seg.endMs, endMs) };
    if (clip.endMs <= clip.startMs) continue;
    const last = clips[clips.length - 1];
    if (last && clip.startMs <= last.endMs) last.endMs = Math.max(last.endMs, clip.endMs);
    else clips.push(clip);
  }
  return clips;
}

/** Union of several cameras' clips: the timeline the shared play head walks. */
export function unionClips(lists: readonly Clip[][]): Clip[] {
  const all = lists.flat().sort((a, b) => a.startMs - b.startMs);
  const merged: Clip[] = [];
  for (const clip of all) {
    const last = merged[merged.length - 1];
    if (last && clip.startMs <= last.endMs) last.endMs = Math.max(last.endMs, clip.endMs);
    else merged.push({ ...clip });
  }
  return merged;
}

export class SearchStore {
  private readonly searches = new Map<string, Search>();

  constructor(private readonly media: SimMedia) {}

  /** Creates a search when any camera has footage in range; undefined otherwise (then no search_id is returned). */
  create(args: { sessionId: string; cameras: CameraRef[]; startMs: number; endMs: number; nowMs: number; paused: boolean }): {
    search?: Search;
    clips: Map<number, Clip[]>;
  } {
    const clips = new Map<number, Clip[]>();
    for (const cam of args.cameras) clips.set(cam.id, recordedClips(this.media, cam.index, args.startMs, args.endMs));
    const timeline = new Timeline(unionClips([...clips.values()]));
    if (timeline.empty) return { clips };
    const first = args.cameras[0]!;
    const fps = recordedFps(this.media.cameras[first.index]!, first.profile);
    const search: Search = {
      id: this.newId(),
      sessionId: args.sessionId,
      startMs: args.startMs,
      endMs: args.endMs,
      cameras: args.cameras,
      clips,
      head: new PlayHead(timeline, args.nowMs, args.paused ? 0 : 100),
      fps,
      lastServed: new Map(),
    };
    this.searches.set(search.id, search);
    return { search, clips };
  }

  get(id: string | undefined): Search | undefined {
    return id === undefined ? undefined : this.searches.get(id);
  }

  delete(id: string): boolean {
    return this.searches.delete(id);
  }

  /** Drops every search whose login session is gone. */
  prune(isLive: (sessionId: string) => boolean): void {
    for (const [id, search] of this.searches) if (!isLive(search.sessionId)) this.searches.delete(id);
  }

  clear(): void {
    this.searches.clear();
  }

  private newId(): string {
    for (;;) {
      const id = `0x${randomBytes(4).toString('hex')}`;
      if (!this.searches.has(id)) return id;
    }
  }
}

export function searchFrames(search: Search): number {
  return frameCount(search.head.timeline, search.fps);
}

export function cameraFrames(clips: readonly Clip[], fps: number): number {
  return frameCount(new Timeline(clips), fps);
}
