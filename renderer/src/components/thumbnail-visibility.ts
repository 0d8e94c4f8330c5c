/**
 * Tells the cameras store which thumbnails are on screen, so only those are fetched and
 * refreshed. One IntersectionObserver serves the whole panel; each tree item registers its
 * element for as long as it is mounted.
 */
import type { InjectionKey } from 'vue';

export type ObserveThumbnail = (element: Element, cameraId: string) => () => void;

export const observeThumbnailKey: InjectionKey<ObserveThumbnail> = Symbol('observe-thumbnail');

export class ThumbnailVisibility {
  private readonly observer: IntersectionObserver;
  private readonly targets = new Map<Element, { cameraId: string; release?: () => void }>();

  /** @param show marks a camera's thumbnail as shown and returns how to unmark it. */
  constructor(private readonly show: (cameraId: string) => () => void) {
    // The viewport as root still honours the panel's scroll clipping; the margin starts a fetch
    // just before an item scrolls into view.
    this.observer = new IntersectionObserver((entries) => this.update(entries), { rootMargin: '48px 0px' });
  }

  readonly observe: ObserveThumbnail = (element, cameraId) => {
    this.targets.set(element, { cameraId });
    this.observer.observe(element);
    return () => {
      this.observer.unobserve(element);
      this.targets.get(element)?.release?.();
      this.targets.delete(element);
    };
  };

  disconnect(): void {
    this.observer.disconnect();
    for (const target of this.targets.values()) target.release?.();
    this.targets.clear();
  }

  private update(entries: IntersectionObserverEntry[]): void {
    for (const entry of entries) {
      const target = this.targets.get(entry.target);
      if (!target) continue;
      if (entry.isIntersecting && !target.release) target.release = this.show(target.cameraId);
      else if (!entry.isIntersecting && target.release) {
        target.release();
        delete target.release;
      }
    }
  }
}
