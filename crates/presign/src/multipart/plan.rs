//! The part plan: how an object of a known size is cut into parts, within
//! S3's limits (every part but the last at least 5 MiB, none above 5 GiB, at
//! most 10,000 parts).

use super::error::MultipartError;
use super::requests::{MAX_PARTS, PartNumber};

const MIB: u64 = 1024 * 1024;
/// The smallest part S3 accepts, except for the last part: 5 MiB.
pub const MIN_PART_SIZE: u64 = 5 * MIB;
/// The largest part S3 accepts: 5 GiB.
pub const MAX_PART_SIZE: u64 = 5 * 1024 * MIB;
/// The part size [`PartPlan::new`] starts from: 16 MiB (large enough that
/// request overhead is small, small enough to retry cheaply).
pub const DEFAULT_PART_SIZE: u64 = 16 * MIB;
/// The largest object a multipart upload can hold: 10,000 parts of 5 GiB.
pub const MAX_OBJECT_SIZE: u64 = MAX_PARTS as u64 * MAX_PART_SIZE;

/// How an object of `size` bytes is cut into parts of `part_size` bytes (the
/// last part holds the rest; an empty object is one empty part).
///
/// # Example
/// ```
/// use presign::multipart::{PartNumber, PartPlan};
///
/// let plan = PartPlan::with_part_size(40 * 1024 * 1024 + 1, 16 * 1024 * 1024)?;
/// assert_eq!(plan.part_count(), 3);
/// let last = plan.part(PartNumber::new(3)?).expect("part 3 exists");
/// assert_eq!((last.offset(), last.len()), (32 * 1024 * 1024, 8 * 1024 * 1024 + 1));
/// assert_eq!(plan.parts().map(|part| part.len()).sum::<u64>(), plan.size());
///
/// // A 100 GiB object with the automatic part size: within 10,000 parts.
/// let big = PartPlan::new(100 * 1024 * 1024 * 1024)?;
/// assert_eq!(big.part_count(), 6400);
/// assert!(PartPlan::with_part_size(1 << 30, 1 << 20).is_err()); // 1 MiB < 5 MiB
/// # Ok::<(), presign::multipart::MultipartError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PartPlan {
    size: u64,
    part_size: u64,
    count: u32,
}

impl PartPlan {
    /// The plan with an automatic part size: [`DEFAULT_PART_SIZE`], or for
    /// objects above 10,000 of those, the smallest whole number of MiB that
    /// keeps the count within 10,000 parts.
    ///
    /// # Errors
    /// [`MultipartError::ObjectTooLarge`] above [`MAX_OBJECT_SIZE`].
    pub fn new(size: u64) -> Result<Self, MultipartError> {
        if size > MAX_OBJECT_SIZE {
            return Err(MultipartError::ObjectTooLarge {
                size,
                max: MAX_OBJECT_SIZE,
            });
        }
        let needed = size.div_ceil(u64::from(MAX_PARTS)).div_ceil(MIB) * MIB;
        Self::with_part_size(size, needed.clamp(DEFAULT_PART_SIZE, MAX_PART_SIZE))
    }

    /// The plan with parts of `part_size` bytes.
    ///
    /// # Errors
    /// [`MultipartError::PartSizeOutOfRange`] outside
    /// [`MIN_PART_SIZE`]..=[`MAX_PART_SIZE`], [`MultipartError::TooManyParts`]
    /// when the object needs more than 10,000 such parts, and
    /// [`MultipartError::ObjectTooLarge`] above [`MAX_OBJECT_SIZE`].
    pub fn with_part_size(size: u64, part_size: u64) -> Result<Self, MultipartError> {
        if !(MIN_PART_SIZE..=MAX_PART_SIZE).contains(&part_size) {
            return Err(MultipartError::PartSizeOutOfRange {
                part_size,
                min: MIN_PART_SIZE,
                max: MAX_PART_SIZE,
            });
        }
        if size > MAX_OBJECT_SIZE {
            return Err(MultipartError::ObjectTooLarge {
                size,
                max: MAX_OBJECT_SIZE,
            });
        }
        let parts = size.div_ceil(part_size).max(1);
        let count = match u32::try_from(parts) {
            Ok(count) if count <= MAX_PARTS => count,
            _ => {
                return Err(MultipartError::TooManyParts {
                    size,
                    part_size,
                    parts,
                    max_parts: MAX_PARTS,
                    smallest_part_size: size.div_ceil(u64::from(MAX_PARTS)),
                });
            }
        };
        Ok(Self {
            size,
            part_size,
            count,
        })
    }

    /// The object size in bytes.
    #[must_use]
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The size of every part but the last.
    #[must_use]
    pub fn part_size(&self) -> u64 {
        self.part_size
    }

    /// How many parts: 1..=10000.
    #[must_use]
    pub fn part_count(&self) -> u32 {
        self.count
    }

    /// Part `number`, or `None` beyond the last part.
    #[must_use]
    pub fn part(&self, number: PartNumber) -> Option<Part> {
        if number.get() > self.count {
            return None;
        }
        let offset = u64::from(number.get() - 1) * self.part_size;
        Some(Part {
            number,
            offset,
            len: self.part_size.min(self.size - offset),
        })
    }

    /// Every part, in order.
    pub fn parts(&self) -> impl Iterator<Item = Part> + '_ {
        (1..=self.count).filter_map(|number| self.part(PartNumber(number)))
    }
}

/// One part of a [`PartPlan`]: its number and byte range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Part {
    number: PartNumber,
    offset: u64,
    len: u64,
}

impl Part {
    /// The part number.
    #[must_use]
    pub fn number(&self) -> PartNumber {
        self.number
    }

    /// The offset of the part's first byte in the object.
    #[must_use]
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// The part's length in bytes (its `Content-Length`).
    #[must_use]
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the part holds no byte (only the single part of an empty
    /// object).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The offset of the part's last byte (inclusive, as in an HTTP `Range`);
    /// `None` for an empty part.
    #[must_use]
    pub fn last_byte(&self) -> Option<u64> {
        (self.len > 0).then(|| self.offset + self.len - 1)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn parts_cover_the_object_without_gaps() {
        for (size, part_size) in [
            (0, MIN_PART_SIZE),
            (1, MIN_PART_SIZE),
            (MIN_PART_SIZE, MIN_PART_SIZE),
            (MIN_PART_SIZE + 1, MIN_PART_SIZE),
            (3 * MIN_PART_SIZE - 7, MIN_PART_SIZE),
            (1 << 30, DEFAULT_PART_SIZE),
        ] {
            let plan = PartPlan::with_part_size(size, part_size).unwrap();
            let mut next = 0;
            for part in plan.parts() {
                assert_eq!(part.offset(), next);
                assert!(part.len() <= part_size);
                if part.number().get() < plan.part_count() {
                    assert_eq!(part.len(), part_size);
                }
                next += part.len();
            }
            assert_eq!(next, size);
            assert_eq!(plan.parts().count(), plan.part_count() as usize);
        }
    }

    #[test]
    fn an_empty_object_is_one_empty_part() {
        let plan = PartPlan::new(0).unwrap();
        assert_eq!(plan.part_count(), 1);
        let part = plan.part(PartNumber::FIRST).unwrap();
        assert!(part.is_empty());
        assert_eq!(part.last_byte(), None);
    }

    #[test]
    fn automatic_part_size_grows_in_whole_mib_to_stay_within_10000_parts() {
        assert_eq!(
            PartPlan::new(1 << 30).unwrap().part_size(),
            DEFAULT_PART_SIZE
        );
        let size = 10_000 * DEFAULT_PART_SIZE + 1;
        let plan = PartPlan::new(size).unwrap();
        assert_eq!(plan.part_size(), 17 * MIB);
        assert!(plan.part_count() <= MAX_PARTS);
        let largest = PartPlan::new(MAX_OBJECT_SIZE).unwrap();
        assert_eq!(
            (largest.part_size(), largest.part_count()),
            (MAX_PART_SIZE, MAX_PARTS)
        );
        assert_eq!(
            PartPlan::new(MAX_OBJECT_SIZE + 1).unwrap_err(),
            MultipartError::ObjectTooLarge {
                size: MAX_OBJECT_SIZE + 1,
                max: MAX_OBJECT_SIZE
            }
        );
    }

    #[test]
    fn limits_are_refused_with_the_value_and_the_range() {
        let small = PartPlan::with_part_size(100, MIN_PART_SIZE - 1).unwrap_err();
        assert!(small.to_string().contains("5242879"), "{small}");
        assert!(
            small.to_string().contains("5242880..=5368709120"),
            "{small}"
        );
        assert!(PartPlan::with_part_size(100, MAX_PART_SIZE + 1).is_err());
        let many = PartPlan::with_part_size(10_001 * MIN_PART_SIZE, MIN_PART_SIZE).unwrap_err();
        assert_eq!(
            many,
            MultipartError::TooManyParts {
                size: 10_001 * MIN_PART_SIZE,
                part_size: MIN_PART_SIZE,
                parts: 10_001,
                max_parts: 10_000,
                smallest_part_size: (10_001 * MIN_PART_SIZE).div_ceil(10_000),
            }
        );
        assert!(many.to_string().contains("at most 10000"), "{many}");
        assert!(PartPlan::with_part_size(10_000 * MIN_PART_SIZE, MIN_PART_SIZE).is_ok());
    }

    #[test]
    fn parts_beyond_the_last_do_not_exist() {
        let plan = PartPlan::with_part_size(2 * MIN_PART_SIZE, MIN_PART_SIZE).unwrap();
        assert!(plan.part(PartNumber::new(2).unwrap()).is_some());
        assert!(plan.part(PartNumber::new(3).unwrap()).is_none());
    }
}
