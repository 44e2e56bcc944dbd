//! An event as the caller handed it over: its fields, by name, packed into one buffer.

use super::{check_json_object, unix_now, TrackError};

/// One tracked event, exactly as the caller gave it: nothing is scrubbed yet.
///
/// Everything an event holds is one heap buffer: a fixed header (timestamp, metric value,
/// where each field ends, kind, which fields are present), then its strings one after another.
/// So tracking an event costs one allocation, and a queue slot holds only the buffer's pointer
/// and length: the queue reserves all its slots up front (8,192 by default), and a 16-byte item
/// instead of a 64-byte one keeps 384 KiB of that reservation off every enabled client.
#[derive(Debug)]
pub(crate) struct Event {
    packed: Box<[u8]>,
}

/// Header layout: `timestamp` f64, `value` f64, four `u32` field ends, `kind`, `present`.
const TIMESTAMP: usize = 0;
const VALUE: usize = 8;
const ENDS: usize = 16;
const KIND: usize = 32;
const PRESENT: usize = 33;
const HEADER: usize = 34;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    AgentUsage,
    Performance,
    Error,
    SystemInfo,
}

impl Kind {
    const ALL: [Kind; 4] = [
        Kind::AgentUsage,
        Kind::Performance,
        Kind::Error,
        Kind::SystemInfo,
    ];
}

/// An event's fields by name. The only place that knows which slot of the packed buffer holds
/// which field is the pair [`Fields::into_slots`] / [`Fields::from_slots`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Fields<'a> {
    AgentUsage {
        agent_id: &'a str,
        operation: &'a str,
        metadata: Option<&'a str>,
    },
    Performance {
        metric_name: &'a str,
        value: f64,
        unit: Option<&'a str>,
        tags: Option<&'a str>,
    },
    Error {
        error_type: &'a str,
        message: &'a str,
        stack_trace: Option<&'a str>,
        context: Option<&'a str>,
    },
    SystemInfo,
}

type Slots<'a> = [Option<&'a str>; 4];

impl<'a> Fields<'a> {
    fn into_slots(self) -> (Kind, f64, Slots<'a>) {
        match self {
            Fields::AgentUsage {
                agent_id,
                operation,
                metadata,
            } => (
                Kind::AgentUsage,
                0.0,
                [Some(agent_id), Some(operation), metadata, None],
            ),
            Fields::Performance {
                metric_name,
                value,
                unit,
                tags,
            } => (
                Kind::Performance,
                value,
                [Some(metric_name), unit, tags, None],
            ),
            Fields::Error {
                error_type,
                message,
                stack_trace,
                context,
            } => (
                Kind::Error,
                0.0,
                [Some(error_type), Some(message), stack_trace, context],
            ),
            Fields::SystemInfo => (Kind::SystemInfo, 0.0, [None; 4]),
        }
    }

    fn from_slots(kind: Kind, value: f64, [first, second, third, fourth]: Slots<'a>) -> Self {
        match kind {
            Kind::AgentUsage => Fields::AgentUsage {
                agent_id: first.unwrap_or_default(),
                operation: second.unwrap_or_default(),
                metadata: third,
            },
            Kind::Performance => Fields::Performance {
                metric_name: first.unwrap_or_default(),
                value,
                unit: second,
                tags: third,
            },
            Kind::Error => Fields::Error {
                error_type: first.unwrap_or_default(),
                message: second.unwrap_or_default(),
                stack_trace: third,
                context: fourth,
            },
            Kind::SystemInfo => Fields::SystemInfo,
        }
    }
}

impl Event {
    pub(crate) fn agent_usage(
        agent_id: &str,
        operation: &str,
        metadata: Option<&str>,
    ) -> Result<Self, TrackError> {
        check_optional_object(metadata)?;
        Event::pack(Fields::AgentUsage {
            agent_id,
            operation,
            metadata,
        })
    }

    pub(crate) fn performance(
        metric_name: &str,
        value: f64,
        unit: Option<&str>,
        tags: Option<&str>,
    ) -> Result<Self, TrackError> {
        if !value.is_finite() {
            return Err(TrackError::InvalidArgument);
        }
        check_optional_object(tags)?;
        Event::pack(Fields::Performance {
            metric_name,
            value,
            unit,
            tags,
        })
    }

    pub(crate) fn error(
        error_type: &str,
        error_message: &str,
        stack_trace: Option<&str>,
        context: Option<&str>,
    ) -> Result<Self, TrackError> {
        check_optional_object(context)?;
        Event::pack(Fields::Error {
            error_type,
            message: error_message,
            stack_trace,
            context,
        })
    }

    pub(crate) fn system_info() -> Result<Self, TrackError> {
        Event::pack(Fields::SystemInfo)
    }

    /// Copies the header and the fields into one buffer and stamps the time.
    fn pack(fields: Fields<'_>) -> Result<Self, TrackError> {
        let (kind, value, fields) = fields.into_slots();
        let total: usize = fields.iter().flatten().map(|field| field.len()).sum();
        if u32::try_from(total).is_err() {
            return Err(TrackError::InvalidArgument);
        }
        let mut packed = Vec::with_capacity(HEADER + total);
        packed.extend_from_slice(&unix_now().to_le_bytes());
        packed.extend_from_slice(&value.to_le_bytes());
        let mut end = 0u32;
        let mut present = 0u8;
        for (index, field) in fields.iter().enumerate() {
            if let Some(field) = field {
                // Cannot truncate: the total fits in u32, checked above.
                end += field.len() as u32;
                present |= 1 << index;
            }
            packed.extend_from_slice(&end.to_le_bytes());
        }
        packed.push(kind as u8);
        packed.push(present);
        for field in fields.iter().flatten() {
            packed.extend_from_slice(field.as_bytes());
        }
        Ok(Event {
            packed: packed.into_boxed_slice(),
        })
    }

    fn header_f64(&self, at: usize) -> f64 {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(&self.packed[at..at + 8]);
        f64::from_le_bytes(bytes)
    }

    fn end(&self, index: usize) -> usize {
        let at = ENDS + 4 * index;
        let mut bytes = [0u8; 4];
        bytes.copy_from_slice(&self.packed[at..at + 4]);
        u32::from_le_bytes(bytes) as usize
    }

    fn kind(&self) -> Kind {
        Kind::ALL[usize::from(self.packed[KIND])]
    }

    /// The strings, one after another. They were copied from `&str`s, so they are UTF-8; the
    /// check costs a fraction of what scrubbing them does, on the sender thread.
    fn text(&self) -> &str {
        std::str::from_utf8(&self.packed[HEADER..]).unwrap_or_default()
    }

    /// Field `index` of `text`, if it was given.
    fn field_of<'a>(&self, text: &'a str, index: usize) -> Option<&'a str> {
        if self.packed[PRESENT] & (1 << index) == 0 {
            return None;
        }
        let start = if index == 0 { 0 } else { self.end(index - 1) };
        text.get(start..self.end(index))
    }

    fn field(&self, index: usize) -> Option<&str> {
        self.field_of(self.text(), index)
    }

    /// The event's fields by name.
    pub(super) fn fields(&self) -> Fields<'_> {
        let text = self.text();
        let slots = [0, 1, 2, 3].map(|index| self.field_of(text, index));
        Fields::from_slots(self.kind(), self.header_f64(VALUE), slots)
    }

    /// All the strings, one after another, as they are stored.
    #[cfg(test)]
    pub(super) fn packed_text(&self) -> &str {
        self.text()
    }

    pub(crate) fn timestamp(&self) -> f64 {
        self.header_f64(TIMESTAMP)
    }

    /// The agent id, metric name or error type, as given (used by a test-only fault hook).
    pub(crate) fn first_field(&self) -> Option<&str> {
        self.field(0)
    }
}

fn check_optional_object(text: Option<&str>) -> Result<(), TrackError> {
    text.map_or(Ok(()), check_json_object)
}
