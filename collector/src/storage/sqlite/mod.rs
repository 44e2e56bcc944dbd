//! SQLite: one writer thread owns the connection and commits whatever batches have queued up in
//! one transaction (group commit), each batch under its own savepoint so that its duplicate
//! check and answer stay its own. Reads (the summary) use connections of their own, which WAL
//! lets run beside the writer; an in-memory database is read through the writer instead.

mod read;
mod schema;
mod write;

use std::sync::Mutex;
use std::thread::JoinHandle;

use rusqlite::Connection;
use tokio::sync::{mpsc, oneshot};

use super::{BoxFuture, Result, Rows, StorageError, Store, Stored};
use crate::ingest::Batch;

/// Batches waiting for the writer; a full queue makes handlers wait (bounded memory).
const QUEUE: usize = 256;
/// Batches committed together at most.
const GROUP: usize = 64;

type Reply<T> = oneshot::Sender<Result<T>>;

enum Job {
    Ingest(Batch, f64, Reply<Stored>),
    Delete(String, Reply<u64>),
    RetainChunk(i64, Reply<(u64, bool)>),
    Query(&'static str, i64, i64, Reply<Rows>),
}

pub struct SqliteStore {
    jobs: Mutex<Option<mpsc::Sender<Job>>>,
    writer: Mutex<Option<JoinHandle<()>>>,
    /// `None` for an in-memory database.
    path: Option<String>,
}

fn failed(error: impl std::fmt::Display) -> StorageError {
    StorageError(error.to_string())
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path`; `:memory:` keeps it in memory.
    pub fn open(path: &str) -> Result<Self> {
        let conn = Connection::open(path).map_err(failed)?;
        conn.execute_batch(schema::PRAGMAS).map_err(failed)?;
        conn.execute_batch(&schema::schema()).map_err(failed)?;
        let (sender, receiver) = mpsc::channel(QUEUE);
        let writer = std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || run_writer(conn, receiver))
            .map_err(failed)?;
        Ok(SqliteStore {
            jobs: Mutex::new(Some(sender)),
            writer: Mutex::new(Some(writer)),
            path: (path != ":memory:" && !path.is_empty()).then(|| path.to_owned()),
        })
    }

    async fn send<T>(&self, job: impl FnOnce(Reply<T>) -> Job) -> Result<T> {
        let sender = self.jobs.lock().expect("jobs lock").clone();
        let sender = sender.ok_or_else(|| StorageError("closed".into()))?;
        let (reply, answer) = oneshot::channel();
        sender
            .send(job(reply))
            .await
            .map_err(|_| StorageError("writer stopped".into()))?;
        answer
            .await
            .map_err(|_| StorageError("writer stopped".into()))?
    }
}

impl Store for SqliteStore {
    fn ingest(&self, batch: Batch, received: f64) -> BoxFuture<'_, Result<Stored>> {
        Box::pin(self.send(move |reply| Job::Ingest(batch, received, reply)))
    }

    fn delete_installation(&self, id: String) -> BoxFuture<'_, Result<u64>> {
        Box::pin(self.send(move |reply| Job::Delete(id, reply)))
    }

    fn retain(&self, first_kept_day: i64) -> BoxFuture<'_, Result<u64>> {
        Box::pin(async move {
            // Step by step through the queue: batches queued meanwhile go in between steps.
            let mut deleted = 0;
            loop {
                let (events, more) = self
                    .send(|reply| Job::RetainChunk(first_kept_day, reply))
                    .await?;
                deleted += events;
                if !more {
                    return Ok(deleted);
                }
            }
        })
    }

    fn query(&self, sql: &'static str, from: i64, to: i64) -> BoxFuture<'_, Result<Rows>> {
        Box::pin(async move {
            match &self.path {
                Some(path) => {
                    let path = path.clone();
                    tokio::task::spawn_blocking(move || read::query_file(&path, sql, from, to))
                        .await
                        .map_err(failed)?
                }
                None => self.send(|reply| Job::Query(sql, from, to, reply)).await,
            }
        })
    }

    fn healthy(&self) -> BoxFuture<'_, bool> {
        Box::pin(async move {
            self.send(|reply| Job::Query("SELECT 1", 0, 0, reply))
                .await
                .is_ok()
        })
    }

    fn close(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            // Dropping the last sender ends the writer once it has done every queued job.
            self.jobs.lock().expect("jobs lock").take();
            let writer = self.writer.lock().expect("writer lock").take();
            if let Some(writer) = writer {
                let _ = tokio::task::spawn_blocking(move || writer.join()).await;
            }
        })
    }
}

fn run_writer(conn: Connection, mut jobs: mpsc::Receiver<Job>) {
    while let Some(first) = jobs.blocking_recv() {
        let mut group = vec![first];
        while group.len() < GROUP {
            match jobs.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        run_group(&conn, group);
    }
}

/// Runs queued jobs in one transaction and answers each once it is committed.
fn run_group(conn: &Connection, group: Vec<Job>) {
    let mut answers: Vec<Box<dyn FnOnce(Option<String>)>> = Vec::with_capacity(group.len());
    let began = conn.execute_batch("BEGIN IMMEDIATE");
    for job in group {
        if let Err(error) = &began {
            fail(job, error.to_string());
            continue;
        }
        answers.push(match job {
            Job::Ingest(batch, received, reply) => {
                answer(reply, write::ingest(conn, batch, received))
            }
            Job::Delete(id, reply) => answer(reply, write::delete_installation(conn, &id)),
            Job::RetainChunk(day, reply) => answer(reply, write::retain_chunk(conn, day)),
            Job::Query(sql, from, to, reply) => answer(reply, read::query(conn, sql, from, to)),
        });
    }
    if began.is_err() {
        return;
    }
    let committed = conn
        .execute_batch("COMMIT")
        .err()
        .map(|error| error.to_string());
    if committed.is_some() {
        let _ = conn.execute_batch("ROLLBACK");
    }
    for answer in answers {
        answer(committed.clone());
    }
}

/// The reply to send once the commit's outcome (`Some(error)` if it failed) is known.
fn answer<T: Send + 'static>(
    reply: Reply<T>,
    result: rusqlite::Result<T>,
) -> Box<dyn FnOnce(Option<String>)> {
    Box::new(move |commit_error| {
        let result = match (result, commit_error) {
            (Ok(value), None) => Ok(value),
            (Err(error), _) => Err(failed(error)),
            (Ok(_), Some(error)) => Err(StorageError(error)),
        };
        let _ = reply.send(result);
    })
}

fn fail(job: Job, error: String) {
    let error = StorageError(error);
    let _ = match job {
        Job::Ingest(_, _, reply) => reply.send(Err(error)).is_ok(),
        Job::Delete(_, reply) => reply.send(Err(error)).is_ok(),
        Job::RetainChunk(_, reply) => reply.send(Err(error)).is_ok(),
        Job::Query(_, _, _, reply) => reply.send(Err(error)).is_ok(),
    };
}
