"""The schema's migrations, by version: frozen text once released (a change is a new one).

1: programs, applications, the panel, assignments, sheets (a submitted sheet read-only), the
   append-only audit log. 2: progress counters kept by triggers, the sheet/assignment
   integrity triggers, the summary index. 3: the audit log as a hash chain (``audit.py``
   writes and checks it) and triggers that refuse INSERT OR REPLACE over an audit entry or a
   submitted sheet (REPLACE deletes without firing DELETE triggers). 4: a sheet's notes per
   criterion (read-only once submitted, as the rest) and who reopened it, when and why.
5: the second half of a review (SPEC §6.3, §6.4, §6.7): a sheet's stage (written or hearing;
   one sheet per evaluator, application and stage; the progress counters count written sheets),
   the hearing's shortlist, the requests for additional materials, the opinions, the decisions
   and a program's result state; once a result is finalized, its sheets, shortlist, requests and
   decisions refuse every write until a chair reopens it.
6: the attachments (SPEC §6.2): each application's submitted files as read when the workspace
   was made: the document, the path, the file's name, format, size, SHA-256 and page count, and
   its text page by page (JSON: [{"title", "text", "rows"}…]).
"""

from __future__ import annotations

MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE programs (
        id          TEXT PRIMARY KEY,
        source_name TEXT NOT NULL,
        content     TEXT NOT NULL,
        sha256      TEXT NOT NULL,
        json        TEXT NOT NULL,
        loaded_at   TEXT NOT NULL
    );
    CREATE TABLE applications (
        program     TEXT NOT NULL REFERENCES programs(id),
        id          TEXT NOT NULL,
        source_name TEXT NOT NULL,
        content     TEXT NOT NULL,
        sha256      TEXT NOT NULL,
        json        TEXT NOT NULL,
        title       TEXT NOT NULL,
        applicant   TEXT NOT NULL,
        applicant_type TEXT NOT NULL,
        prefecture  TEXT NOT NULL,
        bureau      TEXT NOT NULL,
        track       TEXT,
        model       INTEGER,
        requested_subsidy_yen INTEGER NOT NULL,
        loaded_at   TEXT NOT NULL,
        PRIMARY KEY (program, id)
    );
    CREATE TABLE panel (
        id       INTEGER PRIMARY KEY CHECK (id = 1),
        source_name TEXT NOT NULL,
        content  TEXT NOT NULL,
        sha256   TEXT NOT NULL,
        loaded_at TEXT NOT NULL
    );
    CREATE TABLE evaluators (
        id       TEXT PRIMARY KEY,
        name     TEXT NOT NULL,
        role     TEXT NOT NULL CHECK (role IN ('evaluator', 'chair')),
        os_user  TEXT UNIQUE,
        json     TEXT NOT NULL
    );
    CREATE TABLE assignments (
        program     TEXT NOT NULL,
        application TEXT NOT NULL,
        evaluator   TEXT NOT NULL REFERENCES evaluators(id),
        source      TEXT NOT NULL CHECK (source IN ('default', 'panel', 'auto')),
        active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        withdrawn_reason TEXT,
        withdrawn_at TEXT,
        PRIMARY KEY (program, application, evaluator),
        FOREIGN KEY (program, application) REFERENCES applications(program, id)
    );
    CREATE INDEX assignments_by_evaluator ON assignments(evaluator, program);
    CREATE TABLE sheets (
        program     TEXT NOT NULL,
        application TEXT NOT NULL,
        evaluator   TEXT NOT NULL REFERENCES evaluators(id),
        status      TEXT NOT NULL CHECK (status IN ('draft', 'submitted')),
        comment     TEXT NOT NULL DEFAULT '',
        scores      TEXT NOT NULL CHECK (json_valid(scores)),
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        submitted_at TEXT,
        PRIMARY KEY (program, application, evaluator),
        FOREIGN KEY (program, application) REFERENCES applications(program, id)
    );
    CREATE INDEX sheets_by_evaluator ON sheets(evaluator, program);
    -- A submitted sheet is read-only: the only change allowed is a reopen (status back
    -- to draft with the same content), and it cannot be deleted.
    CREATE TRIGGER sheets_submitted_readonly BEFORE UPDATE ON sheets
    WHEN OLD.status = 'submitted'
     AND NOT (NEW.status = 'draft' AND NEW.scores = OLD.scores AND NEW.comment = OLD.comment)
    BEGIN SELECT RAISE(ABORT, 'submitted sheet is read-only: reopen it first'); END;
    CREATE TRIGGER sheets_submitted_nodelete BEFORE DELETE ON sheets
    WHEN OLD.status = 'submitted'
    BEGIN SELECT RAISE(ABORT, 'submitted sheet cannot be deleted'); END;
    CREATE TABLE audit (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        at          TEXT NOT NULL,
        actor       TEXT NOT NULL,
        action      TEXT NOT NULL,
        program     TEXT,
        application TEXT,
        evaluator   TEXT,
        old         TEXT,
        new         TEXT,
        detail      TEXT
    );
    CREATE INDEX audit_by_sheet ON audit(program, application, evaluator);
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
    """,
    2: """
    -- Progress counters (per evaluator and per application), kept by triggers in the same
    -- transaction as the change: the chair's first screen reads them instead of joining
    -- every assignment to its sheet (100,000 of each at national scale).
    CREATE TABLE progress (
        program   TEXT NOT NULL,
        kind      TEXT NOT NULL CHECK (kind IN ('evaluator', 'application')),
        key       TEXT NOT NULL,
        assigned  INTEGER NOT NULL DEFAULT 0,
        drafted   INTEGER NOT NULL DEFAULT 0,
        submitted INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (program, kind, key)
    ) WITHOUT ROWID;
    INSERT INTO progress(program, kind, key, assigned, drafted, submitted)
    SELECT a.program, 'evaluator', a.evaluator, COUNT(*), COALESCE(SUM(s.status = 'draft'), 0),
           COALESCE(SUM(s.status = 'submitted'), 0)
    FROM assignments a LEFT JOIN sheets s
      ON s.program = a.program AND s.application = a.application AND s.evaluator = a.evaluator
    WHERE a.active = 1 GROUP BY a.program, a.evaluator;
    INSERT INTO progress(program, kind, key, assigned, drafted, submitted)
    SELECT a.program, 'application', a.application, COUNT(*), COALESCE(SUM(s.status = 'draft'), 0),
           COALESCE(SUM(s.status = 'submitted'), 0)
    FROM assignments a LEFT JOIN sheets s
      ON s.program = a.program AND s.application = a.application AND s.evaluator = a.evaluator
    WHERE a.active = 1 GROUP BY a.program, a.application;
    -- every application has its row (the chair's list reads the most urgent first, from here)
    INSERT INTO progress(program, kind, key)
    SELECT program, 'application', id FROM applications WHERE true
    ON CONFLICT(program, kind, key) DO NOTHING;
    CREATE TRIGGER progress_application_insert AFTER INSERT ON applications
    BEGIN
        INSERT INTO progress(program, kind, key) VALUES (NEW.program, 'application', NEW.id)
        ON CONFLICT(program, kind, key) DO NOTHING;
    END;
    CREATE TRIGGER progress_assignment_insert AFTER INSERT ON assignments WHEN NEW.active = 1
    BEGIN
        INSERT INTO progress(program, kind, key, assigned) VALUES (NEW.program, 'evaluator', NEW.evaluator, 1)
        ON CONFLICT(program, kind, key) DO UPDATE SET assigned = assigned + 1;
        INSERT INTO progress(program, kind, key, assigned) VALUES (NEW.program, 'application', NEW.application, 1)
        ON CONFLICT(program, kind, key) DO UPDATE SET assigned = assigned + 1;
    END;
    CREATE TRIGGER progress_assignment_active AFTER UPDATE OF active ON assignments
    WHEN NEW.active != OLD.active
    BEGIN
        INSERT INTO progress(program, kind, key, assigned) VALUES (NEW.program, 'evaluator', NEW.evaluator, 1)
        ON CONFLICT(program, kind, key) DO UPDATE SET assigned = assigned + NEW.active - OLD.active;
        INSERT INTO progress(program, kind, key, assigned) VALUES (NEW.program, 'application', NEW.application, 1)
        ON CONFLICT(program, kind, key) DO UPDATE SET assigned = assigned + NEW.active - OLD.active;
    END;
    CREATE TRIGGER progress_assignment_delete AFTER DELETE ON assignments WHEN OLD.active = 1
    BEGIN
        UPDATE progress SET assigned = assigned - 1
        WHERE program = OLD.program AND kind = 'evaluator' AND key = OLD.evaluator;
        UPDATE progress SET assigned = assigned - 1
        WHERE program = OLD.program AND kind = 'application' AND key = OLD.application;
    END;
    CREATE TRIGGER progress_sheet_insert AFTER INSERT ON sheets
    BEGIN
        UPDATE progress SET drafted = drafted + (NEW.status = 'draft'), submitted = submitted + (NEW.status = 'submitted')
        WHERE program = NEW.program AND kind = 'evaluator' AND key = NEW.evaluator;
        UPDATE progress SET drafted = drafted + (NEW.status = 'draft'), submitted = submitted + (NEW.status = 'submitted')
        WHERE program = NEW.program AND kind = 'application' AND key = NEW.application;
    END;
    CREATE TRIGGER progress_sheet_status AFTER UPDATE OF status ON sheets WHEN NEW.status != OLD.status
    BEGIN
        UPDATE progress SET drafted = drafted + (NEW.status = 'draft') - (OLD.status = 'draft'),
                            submitted = submitted + (NEW.status = 'submitted') - (OLD.status = 'submitted')
        WHERE program = NEW.program AND kind = 'evaluator' AND key = NEW.evaluator;
        UPDATE progress SET drafted = drafted + (NEW.status = 'draft') - (OLD.status = 'draft'),
                            submitted = submitted + (NEW.status = 'submitted') - (OLD.status = 'submitted')
        WHERE program = NEW.program AND kind = 'application' AND key = NEW.application;
    END;
    CREATE TRIGGER progress_sheet_delete AFTER DELETE ON sheets
    BEGIN
        UPDATE progress SET drafted = drafted - (OLD.status = 'draft'), submitted = submitted - (OLD.status = 'submitted')
        WHERE program = OLD.program AND kind = 'evaluator' AND key = OLD.evaluator;
        UPDATE progress SET drafted = drafted - (OLD.status = 'draft'), submitted = submitted - (OLD.status = 'submitted')
        WHERE program = OLD.program AND kind = 'application' AND key = OLD.application;
    END;
    -- Every sheet belongs to an active assignment (the counters rely on it): a sheet is
    -- written only under one, and an assignment ends only once its sheet is gone.
    CREATE TRIGGER sheets_need_assignment BEFORE INSERT ON sheets
    WHEN NOT EXISTS (SELECT 1 FROM assignments WHERE program = NEW.program AND application = NEW.application
                     AND evaluator = NEW.evaluator AND active = 1)
    BEGIN SELECT RAISE(ABORT, 'a sheet needs an active assignment'); END;
    CREATE TRIGGER assignments_end_without_sheet BEFORE UPDATE OF active ON assignments
    WHEN NEW.active = 0 AND EXISTS (SELECT 1 FROM sheets WHERE program = NEW.program
                                    AND application = NEW.application AND evaluator = NEW.evaluator)
    BEGIN SELECT RAISE(ABORT, 'an assignment with a sheet cannot end: remove the sheet first'); END;
    -- Summary columns of the applications without reading their documents (lists, progress).
    CREATE INDEX applications_summary ON applications(program, id, title, applicant, applicant_type, prefecture,
                                                      bureau, track, model, requested_subsidy_yen);
    """,
    3: """
    -- Tamper evidence: each entry holds the hash of the one before and its own (written by
    -- reviewer.workspace.audit, checked by reviewer audit --verify). Entries from before this
    -- version have none: the first chained entry's prev_hash is the digest of all of them.
    ALTER TABLE audit ADD COLUMN prev_hash TEXT;
    ALTER TABLE audit ADD COLUMN hash TEXT;
    CREATE TRIGGER audit_no_replace BEFORE INSERT ON audit
    WHEN EXISTS (SELECT 1 FROM audit WHERE seq = NEW.seq)
    BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
    -- Concurrent editing: every write of a sheet raises its revision; a screen saves over the
    -- revision it was based on or merges (reviewer.rules.merge). The screens that have a sheet
    -- open say so here, so that two sessions of one evaluator on one sheet learn of each other.
    ALTER TABLE sheets ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
    CREATE TABLE presence (
        session     TEXT PRIMARY KEY,
        program     TEXT NOT NULL,
        application TEXT NOT NULL,
        evaluator   TEXT NOT NULL,
        host        TEXT NOT NULL,
        pid         INTEGER NOT NULL,
        opened_at   TEXT NOT NULL
    );
    CREATE INDEX presence_by_sheet ON presence(program, application, evaluator);
    CREATE TRIGGER sheets_submitted_noreplace BEFORE INSERT ON sheets
    WHEN EXISTS (SELECT 1 FROM sheets WHERE program = NEW.program AND application = NEW.application
                 AND evaluator = NEW.evaluator AND status = 'submitted')
    BEGIN SELECT RAISE(ABORT, 'submitted sheet is read-only: reopen it first'); END;
    """,
    4: """
    -- A note per criterion on a sheet (SPEC 6.3): a JSON object, criterion id to text.
    ALTER TABLE sheets ADD COLUMN notes TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(notes));
    -- Who reopened a sheet, when and why (cleared by the next submission; the audit log keeps
    -- the history).
    ALTER TABLE sheets ADD COLUMN reopened_by TEXT;
    ALTER TABLE sheets ADD COLUMN reopened_at TEXT;
    ALTER TABLE sheets ADD COLUMN reopen_reason TEXT;
    -- A submitted sheet's notes are read-only too.
    DROP TRIGGER sheets_submitted_readonly;
    CREATE TRIGGER sheets_submitted_readonly BEFORE UPDATE ON sheets
    WHEN OLD.status = 'submitted'
     AND NOT (NEW.status = 'draft' AND NEW.scores = OLD.scores AND NEW.comment = OLD.comment
              AND NEW.notes = OLD.notes)
    BEGIN SELECT RAISE(ABORT, 'submitted sheet is read-only: reopen it first'); END;
    """,

    5: """
    -- Sheets gain a stage: the table is rebuilt (its key changes) with its triggers.
    DROP TRIGGER assignments_end_without_sheet;
    CREATE TABLE sheets_v5 (
        program     TEXT NOT NULL,
        application TEXT NOT NULL,
        evaluator   TEXT NOT NULL REFERENCES evaluators(id),
        stage       TEXT NOT NULL DEFAULT 'written' CHECK (stage IN ('written', 'hearing')),
        status      TEXT NOT NULL CHECK (status IN ('draft', 'submitted')),
        comment     TEXT NOT NULL DEFAULT '',
        scores      TEXT NOT NULL CHECK (json_valid(scores)),
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        submitted_at TEXT,
        revision    INTEGER NOT NULL DEFAULT 1,
        notes       TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(notes)),
        reopened_by TEXT,
        reopened_at TEXT,
        reopen_reason TEXT,
        PRIMARY KEY (program, application, evaluator, stage),
        FOREIGN KEY (program, application) REFERENCES applications(program, id)
    );
    INSERT INTO sheets_v5(program, application, evaluator, stage, status, comment, scores, created_at, updated_at,
                          submitted_at, revision, notes, reopened_by, reopened_at, reopen_reason)
    SELECT program, application, evaluator, 'written', status, comment, scores, created_at, updated_at,
           submitted_at, revision, notes, reopened_by, reopened_at, reopen_reason FROM sheets;
    DROP TABLE sheets;
    ALTER TABLE sheets_v5 RENAME TO sheets;
    CREATE INDEX sheets_by_evaluator ON sheets(evaluator, program);
    CREATE TRIGGER sheets_submitted_readonly BEFORE UPDATE ON sheets
    WHEN OLD.status = 'submitted'
     AND NOT (NEW.status = 'draft' AND NEW.scores = OLD.scores AND NEW.comment = OLD.comment
              AND NEW.notes = OLD.notes AND NEW.stage = OLD.stage)
    BEGIN SELECT RAISE(ABORT, 'submitted sheet is read-only: reopen it first'); END;
    CREATE TRIGGER sheets_submitted_nodelete BEFORE DELETE ON sheets
    WHEN OLD.status = 'submitted'
    BEGIN SELECT RAISE(ABORT, 'submitted sheet cannot be deleted'); END;
    CREATE TRIGGER sheets_submitted_noreplace BEFORE INSERT ON sheets
    WHEN EXISTS (SELECT 1 FROM sheets WHERE program = NEW.program AND application = NEW.application
                 AND evaluator = NEW.evaluator AND stage = NEW.stage AND status = 'submitted')
    BEGIN SELECT RAISE(ABORT, 'submitted sheet is read-only: reopen it first'); END;
    CREATE TRIGGER sheets_need_assignment BEFORE INSERT ON sheets
    WHEN NOT EXISTS (SELECT 1 FROM assignments WHERE program = NEW.program AND application = NEW.application
                     AND evaluator = NEW.evaluator AND active = 1)
    BEGIN SELECT RAISE(ABORT, 'a sheet needs an active assignment'); END;
    CREATE TRIGGER assignments_end_without_sheet BEFORE UPDATE OF active ON assignments
    WHEN NEW.active = 0 AND EXISTS (SELECT 1 FROM sheets WHERE program = NEW.program
                                    AND application = NEW.application AND evaluator = NEW.evaluator)
    BEGIN SELECT RAISE(ABORT, 'an assignment with a sheet cannot end: remove the sheet first'); END;
    -- The progress counters are the written review's.
    CREATE TRIGGER progress_sheet_insert AFTER INSERT ON sheets WHEN NEW.stage = 'written'
    BEGIN
        UPDATE progress SET drafted = drafted + (NEW.status = 'draft'), submitted = submitted + (NEW.status = 'submitted')
        WHERE program = NEW.program AND kind = 'evaluator' AND key = NEW.evaluator;
        UPDATE progress SET drafted = drafted + (NEW.status = 'draft'), submitted = submitted + (NEW.status = 'submitted')
        WHERE program = NEW.program AND kind = 'application' AND key = NEW.application;
    END;
    CREATE TRIGGER progress_sheet_status AFTER UPDATE OF status ON sheets
    WHEN NEW.status != OLD.status AND NEW.stage = 'written'
    BEGIN
        UPDATE progress SET drafted = drafted + (NEW.status = 'draft') - (OLD.status = 'draft'),
                            submitted = submitted + (NEW.status = 'submitted') - (OLD.status = 'submitted')
        WHERE program = NEW.program AND kind = 'evaluator' AND key = NEW.evaluator;
        UPDATE progress SET drafted = drafted + (NEW.status = 'draft') - (OLD.status = 'draft'),
                            submitted = submitted + (NEW.status = 'submitted') - (OLD.status = 'submitted')
        WHERE program = NEW.program AND kind = 'application' AND key = NEW.application;
    END;
    CREATE TRIGGER progress_sheet_delete AFTER DELETE ON sheets WHEN OLD.stage = 'written'
    BEGIN
        UPDATE progress SET drafted = drafted - (OLD.status = 'draft'), submitted = submitted - (OLD.status = 'submitted')
        WHERE program = OLD.program AND kind = 'evaluator' AND key = OLD.evaluator;
        UPDATE progress SET drafted = drafted - (OLD.status = 'draft'), submitted = submitted - (OLD.status = 'submitted')
        WHERE program = OLD.program AND kind = 'application' AND key = OLD.application;
    END;

    -- The hearing's shortlist (SPEC §6.4): when and where each application is heard.
    CREATE TABLE shortlist (
        program     TEXT NOT NULL,
        application TEXT NOT NULL,
        scheduled   TEXT NOT NULL DEFAULT '',
        place       TEXT NOT NULL DEFAULT '',
        added_by    TEXT NOT NULL,
        added_at    TEXT NOT NULL,
        PRIMARY KEY (program, application),
        FOREIGN KEY (program, application) REFERENCES applications(program, id)
    );
    CREATE TRIGGER sheets_hearing_shortlisted BEFORE INSERT ON sheets
    WHEN NEW.stage = 'hearing' AND NOT EXISTS (SELECT 1 FROM shortlist WHERE program = NEW.program
                                               AND application = NEW.application)
    BEGIN SELECT RAISE(ABORT, 'a hearing sheet needs a shortlisted application'); END;
    CREATE TRIGGER shortlist_keeps_hearing_sheets BEFORE DELETE ON shortlist
    WHEN EXISTS (SELECT 1 FROM sheets WHERE program = OLD.program AND application = OLD.application
                 AND stage = 'hearing')
    BEGIN SELECT RAISE(ABORT, 'a shortlisted application with hearing sheets stays shortlisted'); END;

    -- Requests for additional materials (追加資料) and their answers.
    CREATE TABLE requests (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        program     TEXT NOT NULL,
        application TEXT NOT NULL,
        what        TEXT NOT NULL CHECK (length(trim(what)) > 0),
        due         TEXT NOT NULL DEFAULT '',
        requested_by TEXT NOT NULL,
        requested_at TEXT NOT NULL,
        answered_by TEXT,
        answered_at TEXT,
        answer_text TEXT,
        file_name   TEXT,
        file_size   INTEGER,
        file_sha256 TEXT,
        file_data   BLOB,
        FOREIGN KEY (program, application) REFERENCES applications(program, id)
    );
    CREATE INDEX requests_by_application ON requests(program, application);

    -- Opinions on an application from others (各総合通信局等, the support vendor).
    CREATE TABLE opinions (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        program     TEXT NOT NULL,
        application TEXT NOT NULL,
        source      TEXT NOT NULL CHECK (length(trim(source)) > 0),
        text        TEXT NOT NULL CHECK (length(trim(text)) > 0),
        given_on    TEXT NOT NULL DEFAULT '',
        recorded_by TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        FOREIGN KEY (program, application) REFERENCES applications(program, id)
    );
    CREATE INDEX opinions_by_application ON opinions(program, application);
    CREATE TRIGGER opinions_no_update BEFORE UPDATE ON opinions
    BEGIN SELECT RAISE(ABORT, 'an opinion is kept as given'); END;

    -- The decision per application (SPEC §6.7), always with a reason.
    CREATE TABLE decisions (
        program     TEXT NOT NULL,
        application TEXT NOT NULL,
        decision    TEXT NOT NULL CHECK (decision IN ('select', 'reject')),
        reason      TEXT NOT NULL CHECK (length(trim(reason)) > 0),
        decided_by  TEXT NOT NULL,
        decided_at  TEXT NOT NULL,
        PRIMARY KEY (program, application),
        FOREIGN KEY (program, application) REFERENCES applications(program, id)
    );

    -- A program's result: open or finalized (確定), with who and why, and the final list as it
    -- was finalized (the result's JSON).
    CREATE TABLE results (
        program      TEXT PRIMARY KEY REFERENCES programs(id),
        state        TEXT NOT NULL CHECK (state IN ('open', 'finalized')),
        finalized_by TEXT,
        finalized_at TEXT,
        final        TEXT CHECK (final IS NULL OR json_valid(final)),
        reopened_by  TEXT,
        reopened_at  TEXT,
        reopen_reason TEXT
    );
    -- Once finalized, the program's sheets, shortlist, requests and decisions are frozen.
    CREATE TRIGGER sheets_finalized_insert BEFORE INSERT ON sheets
    WHEN EXISTS (SELECT 1 FROM results WHERE program = NEW.program AND state = 'finalized')
    BEGIN SELECT RAISE(ABORT, 'result finalized: reopen the result first'); END;
    CREATE TRIGGER sheets_finalized_update BEFORE UPDATE ON sheets
    WHEN EXISTS (SELECT 1 FROM results WHERE program = NEW.program AND state = 'finalized')
    BEGIN SELECT RAISE(ABORT, 'result finalized: reopen the result first'); END;
    CREATE TRIGGER sheets_finalized_delete BEFORE DELETE ON sheets
    WHEN EXISTS (SELECT 1 FROM results WHERE program = OLD.program AND state = 'finalized')
    BEGIN SELECT RAISE(ABORT, 'result finalized: reopen the result first'); END;
    CREATE TRIGGER shortlist_finalized_insert BEFORE INSERT ON shortlist
    WHEN EXISTS (SELECT 1 FROM results WHERE program = NEW.program AND state = 'finalized')
    BEGIN SELECT RAISE(ABORT, 'result finalized: reopen the result first'); END;
    CREATE TRIGGER shortlist_finalized_update BEFORE UPDATE ON shortlist
    WHEN EXISTS (SELECT 1 FROM results WHERE program = NEW.program AND state = 'finalized')
    BEGIN SELECT RAISE(ABORT, 'result finalized: reopen the result first'); END;
    CREATE TRIGGER shortlist_finalized_delete BEFORE DELETE ON shortlist
    WHEN EXISTS (SELECT 1 FROM results WHERE program = OLD.program AND state = 'finalized')
    BEGIN SELECT RAISE(ABORT, 'result finalized: reopen the result first'); END;
    CREATE TRIGGER requests_finalized_insert BEFORE INSERT ON requests
    WHEN EXISTS (SELECT 1 FROM results WHERE program = NEW.program AND state = 'finalized')
    BEGIN SELECT RAISE(ABORT, 'result finalized: reopen the result first'); END;
    CREATE TRIGGER requests_finalized_update BEFORE UPDATE ON requests
    WHEN EXISTS (SELECT 1 FROM results WHERE program = NEW.program AND state = 'finalized')
    BEGIN SELECT RAISE(ABORT, 'result finalized: reopen the result first'); END;
    CREATE TRIGGER requests_finalized_delete BEFORE DELETE ON requests
    WHEN EXISTS (SELECT 1 FROM results WHERE program = OLD.program AND state = 'finalized')
    BEGIN SELECT RAISE(ABORT, 'result finalized: reopen the result first'); END;
    CREATE TRIGGER decisions_finalized_insert BEFORE INSERT ON decisions
    WHEN EXISTS (SELECT 1 FROM results WHERE program = NEW.program AND state = 'finalized')
    BEGIN SELECT RAISE(ABORT, 'result finalized: reopen the result first'); END;
    CREATE TRIGGER decisions_finalized_update BEFORE UPDATE ON decisions
    WHEN EXISTS (SELECT 1 FROM results WHERE program = NEW.program AND state = 'finalized')
    BEGIN SELECT RAISE(ABORT, 'result finalized: reopen the result first'); END;
    CREATE TRIGGER decisions_finalized_delete BEFORE DELETE ON decisions
    WHEN EXISTS (SELECT 1 FROM results WHERE program = OLD.program AND state = 'finalized')
    BEGIN SELECT RAISE(ABORT, 'result finalized: reopen the result first'); END;
    """,
    6: """
    CREATE TABLE attachments (
        program     TEXT NOT NULL,
        application TEXT NOT NULL,
        position    INTEGER NOT NULL CHECK (position >= 0),
        document    TEXT NOT NULL,
        path        TEXT NOT NULL,
        name        TEXT NOT NULL,
        format      TEXT NOT NULL CHECK (format IN ('pptx', 'xlsx', 'docx', 'pdf')),
        size        INTEGER NOT NULL CHECK (size >= 0),
        sha256      TEXT NOT NULL,
        page_count  INTEGER NOT NULL,
        estimated   INTEGER NOT NULL DEFAULT 0,
        truncated   INTEGER NOT NULL DEFAULT 0,
        pages       TEXT NOT NULL CHECK (json_valid(pages)),
        PRIMARY KEY (program, application, position),
        FOREIGN KEY (program, application) REFERENCES applications(program, id)
    );
    """,
}
