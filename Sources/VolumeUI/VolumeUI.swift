public enum VolumeUIPlaceholder {}
