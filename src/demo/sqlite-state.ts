// The demo's workspace in today's format: the reference orchestrator's SQLite state,
// `<workspace base>/registry/state.sqlite3`, written with its exact schema and WAL journal mode.
// Used by the demo sandbox (src/demo/sandbox.ts); orch-top itself only ever reads such a file
// (src/collectors/registry-sqlite.ts).
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

// The reference orchestrator's schema, copied verbatim from `SELECT sql FROM sqlite_master ORDER BY
// rowid` of a copy of test/fixtures/real-state/.agent-workspace/registry/state.sqlite3 (written
// by its own orchestrator/state_db.py, upstream as of April 2026; see that folder's README.md). Tables
// and indexes in the order it creates them; columns it added later by ALTER TABLE appear where SQLite
// appended them. Left out: the automatic indexes of PRIMARY KEY/UNIQUE (no SQL) and `sqlite_sequence`,
// which SQLite creates itself with the first AUTOINCREMENT table. Run in this order, the statements
// give a sqlite_master identical to the fixture's (test/demo.test.ts checks that).
const STATE_SCHEMA: readonly string[] = [
  `CREATE TABLE tasks (
          task_id TEXT PRIMARY KEY,
          workspace TEXT,
          workspace_base TEXT,
          description TEXT,
          status TEXT,
          priority TEXT,
          client_cwd TEXT,
          created_at TEXT,
          updated_at TEXT,
          current_phase_index INTEGER
        )`,
  `CREATE TABLE phases (
          task_id TEXT NOT NULL,
          phase_index INTEGER NOT NULL,
          phase_id TEXT,
          name TEXT,
          description TEXT,
          deliverables TEXT,      -- JSON array of expected deliverables for this phase
          success_criteria TEXT,  -- JSON array of success criteria for this phase
          status TEXT,
          created_at TEXT,
          started_at TEXT,
          completed_at TEXT, revision_round INTEGER DEFAULT 0, max_revision_rounds INTEGER DEFAULT 3, last_review_id TEXT, revision_ready INTEGER DEFAULT 0,
          PRIMARY KEY (task_id, phase_index),
          FOREIGN KEY (task_id) REFERENCES tasks(task_id) ON DELETE CASCADE
        )`,
  `CREATE TABLE agents (
          agent_id TEXT PRIMARY KEY,
          task_id TEXT NOT NULL,
          type TEXT,
          model TEXT,
          tmux_session TEXT,
          parent TEXT,
          depth INTEGER,
          phase_index INTEGER,
          claude_pid INTEGER,
          cursor_pid INTEGER,
          tracked_files TEXT,  -- JSON field for tracked files
          started_at TEXT,
          completed_at TEXT,
          status TEXT,
          progress INTEGER,
          last_update TEXT,
          prompt_preview TEXT, review_id TEXT, final_verdict TEXT,
          FOREIGN KEY (task_id) REFERENCES tasks(task_id) ON DELETE CASCADE
        )`,
  `CREATE INDEX idx_agents_task ON agents(task_id)`,
  `CREATE INDEX idx_agents_task_phase ON agents(task_id, phase_index)`,
  `CREATE INDEX idx_agents_status ON agents(status)`,
  `CREATE TABLE agent_progress_latest (
          task_id TEXT NOT NULL,
          agent_id TEXT NOT NULL,
          timestamp TEXT,
          status TEXT,
          progress INTEGER,
          message TEXT,
          PRIMARY KEY (task_id, agent_id),
          FOREIGN KEY (task_id) REFERENCES tasks(task_id) ON DELETE CASCADE
        )`,
  `CREATE TABLE reviews (
          review_id TEXT PRIMARY KEY,
          task_id TEXT NOT NULL,
          phase_index INTEGER NOT NULL,
          status TEXT, -- in_progress, completed, aborted
          verdict TEXT, -- approved, rejected, mixed
          created_at TEXT,
          completed_at TEXT,
          reviewer_notes TEXT,
          num_reviewers INTEGER DEFAULT 2,
          auto_spawned INTEGER DEFAULT 0,
          phase_name TEXT,
          reviewer_agent_ids TEXT, -- JSON array of reviewer agent IDs
          critique_agent_id TEXT, retry_count INTEGER DEFAULT 0, -- ID of the critique agent
          FOREIGN KEY (task_id) REFERENCES tasks(task_id) ON DELETE CASCADE
        )`,
  `CREATE INDEX idx_reviews_task ON reviews(task_id)`,
  `CREATE INDEX idx_reviews_phase ON reviews(task_id, phase_index)`,
  `CREATE TABLE agent_findings (
          finding_id INTEGER PRIMARY KEY AUTOINCREMENT,
          task_id TEXT NOT NULL,
          agent_id TEXT NOT NULL,
          phase_index INTEGER,
          finding_type TEXT, -- issue, solution, insight, recommendation, blocker
          severity TEXT, -- low, medium, high, critical
          message TEXT,
          data TEXT, -- JSON field for additional data
          created_at TEXT,
          FOREIGN KEY (task_id) REFERENCES tasks(task_id) ON DELETE CASCADE,
          FOREIGN KEY (agent_id) REFERENCES agents(agent_id) ON DELETE CASCADE
        )`,
  `CREATE INDEX idx_findings_task ON agent_findings(task_id)`,
  `CREATE INDEX idx_findings_agent ON agent_findings(agent_id)`,
  `CREATE INDEX idx_findings_type ON agent_findings(finding_type)`,
  `CREATE INDEX idx_findings_severity ON agent_findings(severity)`,
  `CREATE INDEX idx_findings_created ON agent_findings(created_at)`,
  `CREATE TABLE handovers (
          handover_id INTEGER PRIMARY KEY AUTOINCREMENT,
          task_id TEXT NOT NULL,
          from_phase_index INTEGER NOT NULL,
          to_phase_index INTEGER NOT NULL,
          summary TEXT,
          key_findings TEXT, -- JSON array
          blockers TEXT, -- JSON array
          recommendations TEXT, -- JSON array
          created_at TEXT,
          FOREIGN KEY (task_id) REFERENCES tasks(task_id) ON DELETE CASCADE
        )`,
  `CREATE INDEX idx_handovers_task ON handovers(task_id)`,
  `CREATE INDEX idx_handovers_phase ON handovers(from_phase_index, to_phase_index)`,
  `CREATE TABLE review_verdicts (
            verdict_id INTEGER PRIMARY KEY AUTOINCREMENT,
            review_id TEXT NOT NULL,
            task_id TEXT NOT NULL,
            reviewer_agent_id TEXT,
            verdict TEXT NOT NULL,  -- approved, rejected, needs_revision
            findings TEXT,          -- JSON array of findings
            reviewer_notes TEXT,
            submitted_at TEXT,
            FOREIGN KEY (task_id) REFERENCES tasks(task_id) ON DELETE CASCADE
        )`,
  `CREATE INDEX idx_verdicts_review ON review_verdicts(review_id)`,
  `CREATE INDEX idx_verdicts_task ON review_verdicts(task_id)`,
  `CREATE UNIQUE INDEX idx_verdicts_unique_reviewer
            ON review_verdicts(review_id, reviewer_agent_id)`,
  `CREATE TABLE critique_submissions (
            critique_id INTEGER PRIMARY KEY AUTOINCREMENT,
            review_id TEXT NOT NULL,
            task_id TEXT NOT NULL,
            critique_agent_id TEXT,
            observations TEXT,      -- JSON array of observations
            summary TEXT,
            recommendations TEXT,   -- JSON array
            submitted_at TEXT,
            FOREIGN KEY (task_id) REFERENCES tasks(task_id) ON DELETE CASCADE
        )`,
  `CREATE INDEX idx_critique_review ON critique_submissions(review_id)`,
  `CREATE TABLE task_config (
            task_id TEXT PRIMARY KEY,
            max_agents INTEGER DEFAULT 50,
            max_concurrent INTEGER DEFAULT 20,
            max_depth INTEGER DEFAULT 5,
            project_context TEXT,       -- JSON for dev_server_port, test_url, framework, etc.
            constraints TEXT,           -- JSON array
            relevant_files TEXT,        -- JSON array
            conversation_history TEXT,  -- JSON array (last 15 messages)
            background_context TEXT,
            expected_deliverables TEXT, -- JSON array
            success_criteria TEXT,      -- JSON array
            FOREIGN KEY (task_id) REFERENCES tasks(task_id) ON DELETE CASCADE
        )`,
  `CREATE TABLE agent_hierarchy (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            task_id TEXT NOT NULL,
            parent_agent_id TEXT,       -- NULL or "orchestrator" for root agents
            child_agent_id TEXT NOT NULL,
            spawned_at TEXT,
            FOREIGN KEY (task_id) REFERENCES tasks(task_id) ON DELETE CASCADE,
            UNIQUE(task_id, child_agent_id)
        )`,
  `CREATE INDEX idx_hierarchy_parent ON agent_hierarchy(parent_agent_id)`,
  `CREATE INDEX idx_hierarchy_child ON agent_hierarchy(child_agent_id)`,
  `CREATE TABLE phase_outcomes (
            outcome_id INTEGER PRIMARY KEY AUTOINCREMENT,
            task_id TEXT NOT NULL,
            phase_index INTEGER NOT NULL,
            review_verdict TEXT,           -- approved, rejected, needs_revision
            review_summary TEXT,           -- Aggregated reviewer notes
            key_decisions TEXT,            -- JSON array of decision strings
            blockers_resolved TEXT,        -- JSON array of resolved blockers
            critical_findings TEXT,        -- JSON array (high/critical severity findings)
            artifacts_created TEXT,        -- JSON array of file paths created
            created_at TEXT,
            FOREIGN KEY (task_id) REFERENCES tasks(task_id) ON DELETE CASCADE,
            UNIQUE(task_id, phase_index)
        )`,
  `CREATE INDEX idx_phase_outcomes_task ON phase_outcomes(task_id)`,
];

const randomHex = (bytes: number) => randomBytes(bytes).toString('hex');

export interface StateTask {
  taskId: string;
  description: string;
  /** The directory the client ran the orchestrator from (the project). */
  clientCwd: string;
  priority: string;
  /** Local ISO times without a zone, as Python's datetime.now().isoformat() writes them. */
  createdAt: string;
  updatedAt: string;
}

export interface StateAgent {
  agentId: string;
  type: string;
  tmuxSession: string;
  status: string;
  progress: number;
  /** The first line of the agent's prompt. */
  promptPreview: string;
  startedAt: string;
  lastUpdate: string;
  completedAt: string | null;
  /** The agent's latest progress message (agent_progress_latest). */
  message: string;
}

/** `<workspaceBase>/registry/state.sqlite3` with one task (two phases, the first active) and its
 *  agents, as the orchestrator's state_db.py writes them; also makes the task's directory. Closes the
 *  database, so no -wal/-shm file stays beside it (the journal mode, WAL, is kept in the file). */
export function writeStateDb(workspaceBase: string, task: StateTask, agents: StateAgent[]): string {
  mkdirSync(join(workspaceBase, 'registry'), { recursive: true });
  mkdirSync(join(workspaceBase, task.taskId), { recursive: true });
  const path = join(workspaceBase, 'registry', 'state.sqlite3');
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.transaction(() => {
      for (const sql of STATE_SCHEMA) db.exec(sql);
      db.prepare(
        `INSERT INTO tasks (task_id, workspace, workspace_base, description, status, priority, client_cwd, created_at, updated_at, current_phase_index)
         VALUES (?, ?, ?, ?, 'INITIALIZED', ?, ?, ?, ?, 0)`,
      ).run(task.taskId, join(workspaceBase, task.taskId), workspaceBase, task.description, task.priority, task.clientCwd, task.createdAt, task.updatedAt);
      const phase = db.prepare(
        `INSERT INTO phases (task_id, phase_index, phase_id, name, description, deliverables, success_criteria, status, created_at, started_at, completed_at)
         VALUES (?, ?, ?, ?, '', '[]', '[]', ?, ?, ?, NULL)`,
      );
      phase.run(task.taskId, 0, `phase-${randomHex(4)}`, 'Investigation', 'ACTIVE', task.createdAt, task.createdAt);
      phase.run(task.taskId, 1, `phase-${randomHex(4)}`, 'Implementation', 'PENDING', task.createdAt, null);
      const agent = db.prepare(
        `INSERT INTO agents (agent_id, task_id, type, model, tmux_session, parent, depth, phase_index, claude_pid, cursor_pid,
                             tracked_files, started_at, completed_at, status, progress, last_update, prompt_preview)
         VALUES (?, ?, ?, 'sonnet', ?, 'orchestrator', 1, 0, NULL, NULL, NULL, ?, ?, ?, ?, ?, ?)`,
      );
      const progress = db.prepare(`INSERT INTO agent_progress_latest (task_id, agent_id, timestamp, status, progress, message) VALUES (?, ?, ?, ?, ?, ?)`);
      for (const a of agents) {
        agent.run(a.agentId, task.taskId, a.type, a.tmuxSession, a.startedAt, a.completedAt, a.status, a.progress, a.lastUpdate, a.promptPreview);
        progress.run(task.taskId, a.agentId, a.lastUpdate, a.status, a.progress, a.message);
      }
      db.prepare(`INSERT INTO task_config (task_id, max_agents, max_concurrent, max_depth) VALUES (?, 45, 20, 5)`).run(task.taskId);
    })();
  } finally {
    db.close();
  }
  return path;
}
