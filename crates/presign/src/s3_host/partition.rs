//! The AWS partitions: which region is in which, and their DNS suffixes.
//!
//! Facts from botocore 1.43.11's `botocore/data/partitions.json`, the table
//! its endpoint rules call `aws.partition`. A region is in a partition when
//! the partition lists it (the `aws-global` style pseudo-regions) or when it
//! has the partition's shape (`^cn\-\w+\-\d+$` and so on); a region that is
//! in none is in `aws`, botocore's default. The shapes are checked by hand
//! rather than with a regex engine: each is a fixed prefix, a number of
//! word parts, and a number.

/// An AWS partition, as botocore's `partitions.json` describes it.
///
/// # Example
/// ```
/// use presign::Partition;
///
/// assert_eq!(Partition::of_region("cn-north-1").name, "aws-cn");
/// assert_eq!(Partition::of_region("cn-north-1").dns_suffix, "amazonaws.com.cn");
/// assert_eq!(Partition::of_region("us-gov-west-1").name, "aws-us-gov");
/// // Any other name is in `aws`, as botocore has it.
/// assert_eq!(Partition::of_region("auto").name, "aws");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Partition {
    /// The partition id: `aws`, `aws-cn`, `aws-us-gov`, `aws-iso`, ...
    pub name: &'static str,
    /// The DNS suffix of its endpoints: `amazonaws.com`, `amazonaws.com.cn`, ...
    pub dns_suffix: &'static str,
    /// The DNS suffix of its dual-stack endpoints in botocore's partition
    /// data (`api.aws`). The S3 rules do not use it: S3's dual-stack hosts
    /// are `s3.dualstack.REGION.` plus [`Partition::dns_suffix`].
    pub dualstack_dns_suffix: &'static str,
    /// The region a global endpoint of the partition signs for.
    pub implicit_global_region: &'static str,
    /// Region name prefix of the partition's shape (`cn-`, `us-iso-`), or
    /// one of several for `aws`.
    prefixes: &'static [&'static str],
    /// The pseudo-regions the partition lists by name.
    listed: &'static [&'static str],
}

/// Every partition, in the order of botocore's `partitions.json` (`aws`
/// first: it is also the default).
pub const PARTITIONS: [Partition; 8] = [
    Partition {
        name: "aws",
        dns_suffix: "amazonaws.com",
        dualstack_dns_suffix: "api.aws",
        implicit_global_region: "us-east-1",
        prefixes: &[
            "us-", "eu-", "ap-", "sa-", "ca-", "me-", "af-", "il-", "mx-",
        ],
        listed: &["aws-global"],
    },
    Partition {
        name: "aws-cn",
        dns_suffix: "amazonaws.com.cn",
        dualstack_dns_suffix: "api.amazonwebservices.com.cn",
        implicit_global_region: "cn-northwest-1",
        prefixes: &["cn-"],
        listed: &["aws-cn-global"],
    },
    Partition {
        name: "aws-eusc",
        dns_suffix: "amazonaws.eu",
        dualstack_dns_suffix: "api.amazonwebservices.eu",
        implicit_global_region: "eusc-de-east-1",
        prefixes: &["eusc-de-"],
        listed: &[],
    },
    Partition {
        name: "aws-iso",
        dns_suffix: "c2s.ic.gov",
        dualstack_dns_suffix: "api.aws.ic.gov",
        implicit_global_region: "us-iso-east-1",
        prefixes: &["us-iso-"],
        listed: &["aws-iso-global"],
    },
    Partition {
        name: "aws-iso-b",
        dns_suffix: "sc2s.sgov.gov",
        dualstack_dns_suffix: "api.aws.scloud",
        implicit_global_region: "us-isob-east-1",
        prefixes: &["us-isob-"],
        listed: &["aws-iso-b-global"],
    },
    Partition {
        name: "aws-iso-e",
        dns_suffix: "cloud.adc-e.uk",
        dualstack_dns_suffix: "api.cloud-aws.adc-e.uk",
        implicit_global_region: "eu-isoe-west-1",
        prefixes: &["eu-isoe-"],
        listed: &["aws-iso-e-global"],
    },
    Partition {
        name: "aws-iso-f",
        dns_suffix: "csp.hci.ic.gov",
        dualstack_dns_suffix: "api.aws.hci.ic.gov",
        implicit_global_region: "us-isof-south-1",
        prefixes: &["us-isof-"],
        listed: &["aws-iso-f-global"],
    },
    Partition {
        name: "aws-us-gov",
        dns_suffix: "amazonaws.com",
        dualstack_dns_suffix: "api.aws",
        implicit_global_region: "us-gov-west-1",
        prefixes: &["us-gov-"],
        listed: &["aws-us-gov-global"],
    },
];

impl Partition {
    /// The partition of `region`, as botocore's `aws.partition` finds it:
    /// the first (in file order) that lists the region or whose shape
    /// (`PREFIX-word-number`) it has, else `aws`.
    #[must_use]
    pub fn of_region(region: &str) -> &'static Partition {
        PARTITIONS
            .iter()
            .find(|partition| partition.contains(region))
            .unwrap_or(&PARTITIONS[0])
    }

    /// The partition named `name` (`aws`, `aws-cn`, ...), if there is one.
    #[must_use]
    pub fn named(name: &str) -> Option<&'static Partition> {
        PARTITIONS.iter().find(|partition| partition.name == name)
    }

    /// Whether the partition lists `region` or `region` has its shape.
    fn contains(&self, region: &str) -> bool {
        self.listed.contains(&region)
            || self
                .prefixes
                .iter()
                .any(|prefix| region.strip_prefix(prefix).is_some_and(is_word_dash_number))
    }
}

/// `\w+-\d+` and nothing else (botocore's `regionRegex` tail, ASCII only).
fn is_word_dash_number(rest: &str) -> bool {
    let Some((word, number)) = rest.split_once('-') else {
        return false;
    };
    !word.is_empty()
        && word.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::Partition;

    #[test]
    fn regions_are_placed_as_botocore_places_them() {
        // From partitions.json's regionRegex and regions lists.
        for (region, partition) in [
            ("us-east-1", "aws"),
            ("il-central-1", "aws"),
            ("mx-central-1", "aws"),
            ("aws-global", "aws"),
            ("cn-north-1", "aws-cn"),
            ("aws-cn-global", "aws-cn"),
            ("eusc-de-east-1", "aws-eusc"),
            ("us-iso-east-1", "aws-iso"),
            ("us-isob-east-1", "aws-iso-b"),
            ("eu-isoe-west-1", "aws-iso-e"),
            ("us-isof-south-1", "aws-iso-f"),
            ("us-gov-west-1", "aws-us-gov"),
            ("aws-us-gov-global", "aws-us-gov"),
            // Not of any shape: the default.
            ("cn-foo", "aws"),
            ("eusc-fr-east-1", "aws"),
            ("us-east-1-fips", "aws"),
            ("auto", "aws"),
            ("", "aws"),
        ] {
            assert_eq!(Partition::of_region(region).name, partition, "{region:?}");
        }
    }

    #[test]
    fn named_finds_each_partition_and_nothing_else() {
        assert_eq!(
            Partition::named("aws-iso-b").map(|p| p.dns_suffix),
            Some("sc2s.sgov.gov")
        );
        assert_eq!(Partition::named("aws-moon"), None);
    }
}
