extension Array where Element: Comparable {
    /// In an ascending array, the index of the last element at or before `value` (0 when there is none, or the array
    /// is empty): the line that holds a byte offset, the line a wrapped row belongs to.
    func lastIndex(notAfter value: Element) -> Int {
        var low = 0
        var high = count - 1
        guard high >= 0 else { return 0 }
        while low < high {
            let mid = (low + high + 1) / 2
            if self[mid] <= value { low = mid } else { high = mid - 1 }
        }
        return low
    }
}
