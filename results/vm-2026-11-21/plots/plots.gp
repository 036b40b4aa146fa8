# Rendered by `pinbench report`; run `gnuplot plots.gp` in this folder to redo it by hand.
set datafile missing "?"
set key left top
set grid
set xlabel "threads"
set style data linespoints
png_terminal = (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) ? "pngcairo" : "png"

# populate, anon, 2G
unset logscale x
set xtics ("1" 1, "2" 2)
set title "populate, anon, 2G: pin speedup over single"
set ylabel "pin speedup over single"
set yrange [0:*]
set terminal svg size 800,500 dynamic
set output "populate-anon-2G-speedup.svg"
plot "populate-anon-2G.dat" using 1:2 title "user", \
     "populate-anon-2G.dat" using 1:4 title "kernel", \
     x with lines dashtype 2 linecolor rgb "gray40" title "ideal"
set terminal png_terminal size 800,500
set output "populate-anon-2G-speedup.png"
replot
unset output
set title "populate, anon, 2G: pin GiB/s"
set ylabel "pin GiB/s"
set yrange [0:*]
set terminal svg size 800,500 dynamic
set output "populate-anon-2G-gibs.svg"
plot "populate-anon-2G.dat" using 1:3 title "user", \
     "populate-anon-2G.dat" using 1:5 title "kernel", \
     "populate-anon-2G.dat" using 1:6 with lines dashtype 2 linecolor rgb "gray40" title "single (1 thread)"
set terminal png_terminal size 800,500
set output "populate-anon-2G-gibs.png"
replot
unset output

# populate, thp, 2G
unset logscale x
set xtics ("1" 1, "2" 2)
set title "populate, thp, 2G: pin speedup over single"
set ylabel "pin speedup over single"
set yrange [0:*]
set terminal svg size 800,500 dynamic
set output "populate-thp-2G-speedup.svg"
plot "populate-thp-2G.dat" using 1:2 title "user", \
     "populate-thp-2G.dat" using 1:4 title "kernel", \
     x with lines dashtype 2 linecolor rgb "gray40" title "ideal"
set terminal png_terminal size 800,500
set output "populate-thp-2G-speedup.png"
replot
unset output
set title "populate, thp, 2G: pin GiB/s"
set ylabel "pin GiB/s"
set yrange [0:*]
set terminal svg size 800,500 dynamic
set output "populate-thp-2G-gibs.svg"
plot "populate-thp-2G.dat" using 1:3 title "user", \
     "populate-thp-2G.dat" using 1:5 title "kernel", \
     "populate-thp-2G.dat" using 1:6 with lines dashtype 2 linecolor rgb "gray40" title "single (1 thread)"
set terminal png_terminal size 800,500
set output "populate-thp-2G-gibs.png"
replot
unset output

# populate, hugetlb-2m, 2G
unset logscale x
set xtics ("1" 1, "2" 2)
set title "populate, hugetlb-2m, 2G: pin speedup over single"
set ylabel "pin speedup over single"
set yrange [0:*]
set terminal svg size 800,500 dynamic
set output "populate-hugetlb-2m-2G-speedup.svg"
plot "populate-hugetlb-2m-2G.dat" using 1:2 title "user", \
     "populate-hugetlb-2m-2G.dat" using 1:4 title "kernel", \
     x with lines dashtype 2 linecolor rgb "gray40" title "ideal"
set terminal png_terminal size 800,500
set output "populate-hugetlb-2m-2G-speedup.png"
replot
unset output
set title "populate, hugetlb-2m, 2G: pin GiB/s"
set ylabel "pin GiB/s"
set yrange [0:*]
set terminal svg size 800,500 dynamic
set output "populate-hugetlb-2m-2G-gibs.svg"
plot "populate-hugetlb-2m-2G.dat" using 1:3 title "user", \
     "populate-hugetlb-2m-2G.dat" using 1:5 title "kernel", \
     "populate-hugetlb-2m-2G.dat" using 1:6 with lines dashtype 2 linecolor rgb "gray40" title "single (1 thread)"
set terminal png_terminal size 800,500
set output "populate-hugetlb-2m-2G-gibs.png"
replot
unset output

# mlock, anon, 2G
unset logscale x
set xtics ("1" 1, "2" 2)
set title "mlock, anon, 2G: pin speedup over single"
set ylabel "pin speedup over single"
set yrange [0:*]
set terminal svg size 800,500 dynamic
set output "mlock-anon-2G-speedup.svg"
plot "mlock-anon-2G.dat" using 1:2 title "user", \
     "mlock-anon-2G.dat" using 1:4 title "kernel", \
     x with lines dashtype 2 linecolor rgb "gray40" title "ideal"
set terminal png_terminal size 800,500
set output "mlock-anon-2G-speedup.png"
replot
unset output
set title "mlock, anon, 2G: pin GiB/s"
set ylabel "pin GiB/s"
set yrange [0:*]
set terminal svg size 800,500 dynamic
set output "mlock-anon-2G-gibs.svg"
plot "mlock-anon-2G.dat" using 1:3 title "user", \
     "mlock-anon-2G.dat" using 1:5 title "kernel", \
     "mlock-anon-2G.dat" using 1:6 with lines dashtype 2 linecolor rgb "gray40" title "single (1 thread)"
set terminal png_terminal size 800,500
set output "mlock-anon-2G-gibs.png"
replot
unset output

# mlock, thp, 2G
unset logscale x
set xtics ("1" 1, "2" 2)
set title "mlock, thp, 2G: pin speedup over single"
set ylabel "pin speedup over single"
set yrange [0:*]
set terminal svg size 800,500 dynamic
set output "mlock-thp-2G-speedup.svg"
plot "mlock-thp-2G.dat" using 1:2 title "user", \
     "mlock-thp-2G.dat" using 1:4 title "kernel", \
     x with lines dashtype 2 linecolor rgb "gray40" title "ideal"
set terminal png_terminal size 800,500
set output "mlock-thp-2G-speedup.png"
replot
unset output
set title "mlock, thp, 2G: pin GiB/s"
set ylabel "pin GiB/s"
set yrange [0:*]
set terminal svg size 800,500 dynamic
set output "mlock-thp-2G-gibs.svg"
plot "mlock-thp-2G.dat" using 1:3 title "user", \
     "mlock-thp-2G.dat" using 1:5 title "kernel", \
     "mlock-thp-2G.dat" using 1:6 with lines dashtype 2 linecolor rgb "gray40" title "single (1 thread)"
set terminal png_terminal size 800,500
set output "mlock-thp-2G-gibs.png"
replot
unset output

# mlock, hugetlb-2m, 2G
unset logscale x
set xtics ("1" 1, "2" 2)
set title "mlock, hugetlb-2m, 2G: pin speedup over single"
set ylabel "pin speedup over single"
set yrange [0:*]
set terminal svg size 800,500 dynamic
set output "mlock-hugetlb-2m-2G-speedup.svg"
plot "mlock-hugetlb-2m-2G.dat" using 1:2 title "user", \
     "mlock-hugetlb-2m-2G.dat" using 1:4 title "kernel", \
     x with lines dashtype 2 linecolor rgb "gray40" title "ideal"
set terminal png_terminal size 800,500
set output "mlock-hugetlb-2m-2G-speedup.png"
replot
unset output
set title "mlock, hugetlb-2m, 2G: pin GiB/s"
set ylabel "pin GiB/s"
set yrange [0:*]
set terminal svg size 800,500 dynamic
set output "mlock-hugetlb-2m-2G-gibs.svg"
plot "mlock-hugetlb-2m-2G.dat" using 1:3 title "user", \
     "mlock-hugetlb-2m-2G.dat" using 1:5 title "kernel", \
     "mlock-hugetlb-2m-2G.dat" using 1:6 with lines dashtype 2 linecolor rgb "gray40" title "single (1 thread)"
set terminal png_terminal size 800,500
set output "mlock-hugetlb-2m-2G-gibs.png"
replot
unset output
