/**
 * The wall's layout file actions: save, save as, rename, duplicate, delete, revert, new, switch,
 * send to another display, open a site's layout. Each asks what it must through the wall's
 * dialogs (their open state lives here) and leaving a layout with unsaved changes always asks
 * first (`guard`).
 */
import { computed, ref } from 'vue';
import type { ServerLayout } from '../../../preload/contract/index.js';
import { importServerLayout } from '../domain/import-layouts.js';
import { useAppStore } from '../stores/app.js';
import { useWallStore } from '../stores/wall.js';
import { blankLayout, newLayoutId, type WallEditor } from './use-wall-editor.js';

export type NameMode = 'save-as' | 'rename' | 'duplicate';

export type LayoutFiles = ReturnType<typeof useLayoutFiles>;

export function useLayoutFiles(editor: Pick<WallEditor, 'layout' | 'saved' | 'blank' | 'edit' | 'say'>) {
  const wall = useWallStore();
  const app = useAppStore();
  const { layout, saved, say } = editor;

  const naming = ref<{ mode: NameMode; initial: string; then?: () => Promise<void> } | null>(null);
  const unsavedAsk = ref<{ then: () => Promise<void> } | null>(null);
  const confirming = ref<'delete' | 'revert' | null>(null);
  const importOpen = ref(false);

  async function save(): Promise<void> {
    if (!saved.value) return askName('save-as');
    const current = layout.value;
    if (await wall.saveLayout(current)) {
      await wall.setDisplay({ layoutId: current.id, draft: null });
      say(`Saved “${current.name}”.`);
    }
  }

  function askName(mode: NameMode, then?: () => Promise<void>): void {
    const name = layout.value.name;
    const initial = mode === 'duplicate' ? `${name} copy` : mode === 'save-as' && !saved.value ? name : mode === 'save-as' ? `${name} copy` : name;
    naming.value = then ? { mode, initial, then } : { mode, initial };
  }

  async function onName(name: string): Promise<void> {
    const asked = naming.value;
    naming.value = null;
    if (!asked) return;
    if (asked.mode === 'save-as') {
      const next = { ...layout.value, id: newLayoutId(), name };
      if (!(await wall.saveLayout(next))) return;
      await wall.setDisplay({ layoutId: next.id, draft: null });
      say(`Saved as “${name}”.`);
    } else if (asked.mode === 'rename') {
      const savedLayout = wall.layouts.find((l) => l.id === layout.value.id);
      if (savedLayout && !(await wall.saveLayout({ ...savedLayout, name }))) return;
      // An unsaved draft (or a layout never saved) takes the name too.
      if (wall.display.draft || !savedLayout) editor.edit({ ...layout.value, name });
      say(`Renamed to “${name}”.`);
    } else {
      const base = wall.layouts.find((l) => l.id === layout.value.id) ?? layout.value;
      if (await wall.saveLayout({ ...base, id: newLayoutId(), name })) say(`Saved a copy as “${name}”.`);
    }
    await asked.then?.();
  }

  /** Runs `then` once the layout on screen has no unsaved change: asks to save or discard first. */
  function guard(then: () => Promise<void>): void {
    if (wall.hasUnsavedChanges) unsavedAsk.value = { then };
    else void then();
  }
  async function onUnsavedSave(): Promise<void> {
    const then = unsavedAsk.value?.then;
    unsavedAsk.value = null;
    if (!then) return;
    if (!saved.value) return askName('save-as', then);
    await save();
    if (!wall.hasUnsavedChanges) await then();
  }
  async function onUnsavedDiscard(): Promise<void> {
    const then = unsavedAsk.value?.then;
    unsavedAsk.value = null;
    await wall.setDisplay({ draft: null });
    await then?.();
  }

  function switchTo(layoutId: string): void {
    guard(async () => {
      if (layoutId === '') return;
      await wall.setDisplay({ layoutId, draft: null, maximisedCell: null });
      say(`Showing “${wall.layouts.find((l) => l.id === layoutId)?.name ?? layoutId}”.`);
    });
  }

  function newLayout(): void {
    guard(async () => {
      editor.blank.value = blankLayout();
      await wall.setDisplay({ layoutId: null, draft: null, maximisedCell: null });
      say('New layout.');
    });
  }

  async function onConfirm(): Promise<void> {
    const what = confirming.value;
    confirming.value = null;
    if (what === 'revert') {
      await wall.setDisplay({ draft: null, maximisedCell: null });
      say('Changes discarded.');
    } else if (what === 'delete') {
      const name = layout.value.name;
      if (await wall.deleteLayout(layout.value.id)) {
        editor.blank.value = blankLayout();
        await wall.setDisplay({ layoutId: null, draft: null, maximisedCell: null });
        say(`Deleted “${name}”.`);
      }
    }
  }

  const otherDisplays = computed(() => (app.info?.displays ?? []).filter((d) => d.id !== wall.displayId));
  /** "Send to display N": the layout is saved first (another display shows saved layouts). */
  function sendTo(displayId: string): void {
    const label = otherDisplays.value.find((d) => d.id === displayId)?.label ?? displayId;
    const send = async (): Promise<void> => {
      if (await wall.setDisplay({ displayId, layoutId: layout.value.id, draft: null, maximisedCell: null })) say(`“${layout.value.name}” sent to ${label}.`);
    };
    if (!saved.value) askName('save-as', send);
    else if (wall.hasUnsavedChanges) void save().then(send);
    else void send();
  }

  /** A site's layout opens as an unsaved draft of a new layout: the operator looks, then saves or leaves it. */
  function openImported(server: ServerLayout): void {
    importOpen.value = false;
    guard(async () => {
      const imported = importServerLayout(server, newLayoutId());
      await wall.setDisplay({ layoutId: null, draft: imported, maximisedCell: null });
      say(`Opened “${imported.name}” from the site; Save keeps it.`);
    });
  }

  return { naming, unsavedAsk, confirming, importOpen, otherDisplays, save, askName, onName, onUnsavedSave, onUnsavedDiscard, switchTo, newLayout, onConfirm, sendTo, openImported };
}
