// The console's root: reads the two stores, lays the screen out for the terminal's size, and hands
// keys to the one listener. Layout only; what a panel shows is in panels.ts, what a key does in
// use-console-keys.ts, and acting goes through the ActionService. Frames: one per tick (the app
// store's changes are gathered by useAppFrame, "now" moves with them), none for what is not drawn;
// each panel's rows are built once per snapshot (the log's once per event), not once per frame.

import { Box } from 'ink';
import { useEffect, useMemo, useState } from 'react';
import { useStore } from 'zustand';
import type { StoreApi } from 'zustand/vanilla';
import type { ActionService } from '../actions/console-actions.js';
import type { AppState, HistoryState } from '../store/store.js';
import { ConfirmDialog, planLines, QuitRunningDialog } from './components/ConfirmDialog.js';
import { DataTable, type DataTableProps } from './components/DataTable.js';
import { EventLog } from './components/EventLog.js';
import { Footer } from './components/Footer.js';
import { Header } from './components/Header.js';
import { helpLineCount, HelpOverlay } from './components/HelpOverlay.js';
import { HistoryStrip } from './components/HistoryStrip.js';
import { Line } from './components/Line.js';
import { TabBar } from './components/TabBar.js';
import { GHOST_PREFIX, PANEL_SPECS, PANELS, visibleRows, type PanelId, type ProcRow, type RowsCtx, type ViewCtx } from './panels.js';
import { stripHeight } from './history-strip.js';
import { makeTheme, ThemeContext } from './theme.js';
import { useAppFrame } from './use-app-frame.js';
import { useConsoleKeys } from './use-console-keys.js';
import { usePanelRows } from './use-panel-rows.js';
import { useStaleClock } from './use-stale-clock.js';
import { useTerminalSize, type Size } from './use-terminal-size.js';
import { wrapLine } from './wrap.js';
import { createViewStore, resolveCursor, type ViewState } from './view-store.js';

const MIN_SIZE: Size = { columns: 80, rows: 24 };

export interface ConsoleProps {
  store: StoreApi<AppState>;
  service: ActionService;
  quit: () => void;
  view?: StoreApi<ViewState>;
  color?: boolean;
  /** A fixed terminal size (tests); else the terminal's, following resizes. */
  size?: Size;
  clock?: () => number;
  /** How often "now" advances while the last tick is stale (0: never, for tests); otherwise it moves with the ticks. */
  clockEveryMs?: number;
  title?: string;
}

const HEADER = 3;

export function Console(props: ConsoleProps) {
  const [view] = useState(() => props.view ?? createViewStore());
  const [clock] = useState(() => props.clock ?? Date.now);
  const theme = useMemo(() => makeTheme(props.color ?? false), [props.color]);
  const { columns, rows: termRows } = useTerminalSize(props.size);
  const [frame, setNow] = useAppFrame(props.store, clock);
  const { snapshot: snap, events, tick, intervalMs, paused, activity, history, now } = frame;
  useStaleClock({ clock, everyMs: props.clockEveryMs ?? 1_000, lastAt: tick.lastAt, intervalMs, paused, setNow });
  const panel = useStore(view, (s) => s.panel);
  const params = useStore(view, (s) => s.params[s.panel]);
  const selected = useStore(view, (s) => s.selected[s.panel]);
  const lastCursor = useStore(view, (s) => s.cursor[s.panel]);
  const expanded = useStore(view, (s) => s.expanded[s.panel]);
  const scope = useStore(view, (s) => s.scope);
  const overlay = useStore(view, (s) => s.overlay);
  const editing = useStore(view, (s) => s.filterEditing);
  const flash = useStore(view, (s) => s.flash);

  const spec = PANEL_SPECS[panel];
  const sort = spec.sorts[params.sort % spec.sorts.length]!;
  const ctx: ViewCtx | null = useMemo(() => (snap ? { snap, now, scope } : null), [snap, now, scope]);
  // Every panel's rows, once per snapshot: the tab counts, the table and a lost selection all read them.
  const all = usePanelRows(snap, events, scope);
  const rowsCtx: RowsCtx | null = useMemo(() => (snap ? { snap, events, scope } : null), [snap, events, scope]);
  const rows = useMemo(() => (rowsCtx ? visibleRows(spec, rowsCtx, params, all[panel]) : []), [spec, rowsCtx, params, all, panel]);
  const ids = useMemo(() => rows.map((r) => spec.rowId(r)), [rows, spec]);
  const { index, lost } = resolveCursor(ids, selected, lastCursor);
  // A selected row the filter hides is not gone: say which.
  const lostHidden = useMemo(() => !!lost && all[panel].some((r) => spec.rowId(r) === lost.id), [lost, all, panel, spec]);
  const counts = useMemo(() => Object.fromEntries(PANELS.map((p) => [p.id, all[p.id].length])) as Record<PanelId, number>, [all]);

  // The first row is taken as the selection once there is one, so it is then followed by id.
  useEffect(() => {
    if (!selected && ids.length) view.getState().adopt(ids[0]!, spec.label(rows[0]));
    else if (!lost && index >= 0) view.getState().noteCursor(index);
  }, [selected, ids, lost, index, rows, spec, view]);

  const small = columns < MIN_SIZE.columns || termRows < MIN_SIZE.rows;
  const height = termRows - 1; // a full-height frame makes Ink clear the screen on every update
  // The help and the dialogs take the event log's room too: they are what matters while open.
  const logHeight = panel === 'log' || (overlay && termRows < 34) ? 0 : termRows >= 34 ? 7 : termRows >= 28 ? 5 : 4;
  const body = Math.max(3, height - HEADER - 1 - logHeight - 1);
  const current = index >= 0 && !lost ? { id: ids[index]!, label: spec.label(rows[index]) } : null;
  const sessionOfCurrent =
    index >= 0 && !lost
      ? panel === 'sessions'
        ? ids[index]!.startsWith(GHOST_PREFIX)
          ? null
          : ids[index]!
        : panel === 'processes'
          ? (rows[index] as ProcRow).sessionId
          : null
      : null;
  const dialogLines = useMemo(() => (overlay?.kind === 'confirm' ? planLines(overlay.plan, columns, theme.color) : []), [overlay, columns, theme]);
  const overlayMax =
    overlay?.kind === 'confirm'
      ? Math.max(0, dialogLines.length - (body - 5))
      : overlay?.kind === 'help'
        ? Math.max(0, helpLineCount(columns) - (body - 3))
        : 0;

  useConsoleKeys({
    store: props.store,
    view,
    service: props.service,
    ids,
    labelOf: (id) => spec.label(rows[ids.indexOf(id)]),
    current,
    lost,
    lostHidden,
    sessionOfCurrent,
    pageSize: Math.max(1, body - 2),
    overlayMax,
    quit: props.quit,
    tooSmall: columns < MIN_SIZE.columns || termRows < MIN_SIZE.rows,
  });

  if (small)
    return (
      <ThemeContext.Provider value={theme}>
        <TooSmall columns={columns} rows={termRows} />
      </ThemeContext.Provider>
    );

  let main;
  if (overlay?.kind === 'help') main = <HelpOverlay width={columns} height={body} scroll={overlay.scroll} />;
  else if (overlay?.kind === 'confirm') main = <ConfirmDialog plan={overlay.plan} lines={dialogLines} scroll={overlay.scroll} width={columns} height={body} />;
  else if (overlay?.kind === 'quit-running') main = <QuitRunningDialog label={activity?.label ?? 'an action'} width={columns} height={body} />;
  else if (!ctx)
    main = (
      <Box height={body}>
        <Line width={columns} segments={[{ text: ' looking at tmux, /proc and the registries…', token: 'muted' }]} />
      </Box>
    );
  else
    main = (
      <PanelBody
        history={history}
        table={{
          spec,
          ctx,
          rows,
          cursor: index,
          lost: !!lost,
          expandedId: expanded,
          width: columns,
          height: body,
          empty: emptyText(panel, params.filter),
          sortColumn: sort.column ?? null,
          sortDesc: !!sort.desc !== params.reverse,
        }}
        current={current}
      />
    );

  return (
    <ThemeContext.Provider value={theme}>
      <Box flexDirection="column" width={columns} height={height}>
        <Header
          snap={snap}
          tick={tick}
          intervalMs={intervalMs}
          paused={paused}
          activity={activity}
          now={now}
          width={columns}
          title={props.title ?? 'orch-top'}
        />
        <TabBar panel={panel} counts={counts} params={params} scope={scope} editing={editing} width={columns} />
        {main}
        {logHeight > 0 ? <EventLog events={events} height={logHeight} width={columns} /> : null}
        <Footer
          editing={editing}
          filter={params.filter}
          flash={flash}
          notice={
            lost ? (lostHidden ? `${lost.label} is hidden by the filter: Esc clears it, ↑↓ select another` : `${lost.label} is gone: ↑↓ select another`) : null
          }
          width={columns}
        />
      </Box>
    </ThemeContext.Provider>
  );
}

/** What a terminal below the minimum size shows: wrapped, not cut (it is all there is to read). */
function TooSmall({ columns, rows }: Size) {
  const say = [
    ...wrapLine(`orch-top needs a terminal of at least ${MIN_SIZE.columns}×${MIN_SIZE.rows}`, columns).map((text) => ({ text, token: 'warn' as const })),
    ...wrapLine(`this one is ${columns}×${rows}: enlarge it (q quits; orch-top --snapshot prints a table)`, columns).map((text) => ({ text, token: null })),
  ];
  return (
    <Box flexDirection="column">
      {say.slice(0, Math.max(1, rows - 1)).map((l, i) => (
        <Line key={i} segments={[l]} width={columns} />
      ))}
    </Box>
  );
}

/** A panel's table, under the history strip on Sessions and Descriptors (which gives the top of its room to the last hour and day). */
function PanelBody({
  history,
  table,
  current,
}: {
  history: HistoryState | null;
  table: DataTableProps<unknown>;
  current: { id: string; label: string } | null;
}) {
  const panel = table.spec.id;
  const strip = stripHeight(history, panel, table.height);
  return (
    <Box flexDirection="column" height={table.height}>
      {strip > 0 && history ? (
        <HistoryStrip
          history={history}
          panel={panel as 'sessions' | 'descriptors'}
          selectedId={current?.id ?? null}
          selectedLabel={current?.label ?? null}
          width={table.width}
          height={strip}
        />
      ) : null}
      <DataTable {...table} height={table.height - strip} />
    </Box>
  );
}

function emptyText(panel: PanelId, filter: string): string {
  if (filter) return `nothing matches "${filter}" (Esc clears the filter)`;
  switch (panel) {
    case 'sessions':
      return 'no agent sessions on this tmux server: --workspace DIR, -L/-S and --prefix point orch-top at an orchestrator (orch-top --snapshot says where it looked)';
    case 'processes':
      return 'no agent processes';
    case 'zombies':
      return 'no zombies';
    case 'descriptors':
      return 'no watched processes';
    case 'log':
      return 'nothing has happened yet';
  }
}
