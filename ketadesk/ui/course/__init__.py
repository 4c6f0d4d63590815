"""The course screen: one patient's treatment course with its outcome trends, visits and plan ahead."""
